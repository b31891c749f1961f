#!/usr/bin/env bash
# Fuzzes the API against its own OpenAPI document with schemathesis (PyPI), holding valid tokens: every operation
# of /api (Defender audience) and /v1.0 (Graph audience) and the identity endpoints; checks that nothing answers 5xx
# and that every status, content type and body matches the document.
# Needs: python3 with venv, PyPI access (or an existing venv in $ST_VENV), a built .build/debug/mtp.
# Usage: scripts/api-conformance.sh [max-examples per operation, default 100]
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${ST_VENV:-.build/schemathesis}
MTP=.build/debug/mtp
EXAMPLES=${1:-100}

if [ ! -x "$VENV/bin/st" ]; then
  if ! python3 -m venv "$VENV" || ! "$VENV/bin/pip" install -q "schemathesis==4.32.5"; then
    echo "SKIPPED API conformance (schemathesis): could not create a venv with schemathesis from PyPI"
    rm -rf "$VENV"
    exit 0
  fi
fi

DATA=$(mktemp -d)
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null; rm -rf "$DATA"; }
trap cleanup EXIT
# Quotas off: the fuzzer's request rate is not what is under test here.
"$MTP" serve --demo --no-quotas --data-dir "$DATA" --port 18445 --log-level warning > "$DATA/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 300); do grep -q "Press Ctrl-C" "$DATA/serve.log" && break; sleep 0.2; done
BASE=https://127.0.0.1:18445

token() {  # token SCOPE: a client-credentials token of the demo's full-access app
  "$VENV/bin/python" - "$DATA/demo.json" "$BASE" "$1" <<'PYEOF'
import json, ssl, sys, urllib.parse, urllib.request
demo = json.load(open(sys.argv[1]))
app = demo["apps"]["full"]
form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": app["clientId"],
                               "client_secret": app["clientSecret"], "scope": sys.argv[3]}).encode()
context = ssl.create_default_context(cafile=demo["caFile"])
url = "%s/%s/oauth2/v2.0/token" % (sys.argv[2], demo["tenantId"])
print(json.load(urllib.request.urlopen(url, form, context=context))["access_token"])
PYEOF
}
CA=$("$VENV/bin/python" -c "import json,sys; print(json.load(open(sys.argv[1]))['caFile'])" "$DATA/demo.json")
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance

# One worker: schemathesis runs workers as threads, and CPython 3.11's ast module is not thread-safe (hypothesis
# parses lambdas while describing strategies: "AST constructor recursion depth mismatch", cpython#106905).
fuzz() {  # fuzz PATH-REGEX PHASES [schemathesis options]
  local paths=$1 phases=$2; shift 2
  echo "== schemathesis: $paths"
  timeout 900 "$VENV/bin/st" run "$BASE/openapi.json" --url "$BASE" --tls-verify "$CA" --checks "$CHECKS" \
    --include-path-regex "$paths" --max-examples "$EXAMPLES" --seed 1 --workers 1 --phases "$phases" \
    --suppress-health-check all "$@"
}
# Stateful runs follow the document's links (list → get, update) to reach real incidents and alerts.
fuzz '^/api/' examples,coverage,fuzzing,stateful -H "Authorization: Bearer $(token https://api.security.microsoft.com/.default)"
fuzz '^/v1\.0/' examples,coverage,fuzzing,stateful -H "Authorization: Bearer $(token https://graph.microsoft.com/.default)"
fuzz '^/(\{tenant\}|devicelogin|health|openapi)' examples,coverage,fuzzing
