#!/usr/bin/env bash
# Drives real Python clients against `mtp serve --demo`: the shared real-clients harness (on a high port, and on
# 443 where msal's ROPC really calls /common/userrealm) and OpenMTP's own interop checks.
# Needs: python3 with venv, PyPI access (or an existing venv in $VENV), a built .build/debug/mtp.
set -euo pipefail
cd "$(dirname "$0")/.."
HARNESS=../shared/tools/real-clients
VENV=${VENV:-.build/python-clients}
MTP=.build/debug/mtp

if [ ! -x "$VENV/bin/python" ]; then
  if ! python3 -m venv "$VENV" || ! "$VENV/bin/pip" install -q -r "$HARNESS/requirements.txt"; then
    echo "SKIPPED python client checks: could not create a venv with $HARNESS/requirements.txt"
    rm -rf "$VENV"
    exit 0
  fi
fi
PY="$VENV/bin/python"

echo "== harness self-test (its own stub)"
timeout 300 "$PY" "$HARNESS/real_clients_harness.py" --self-test --device-timeout 30

DATA=$(mktemp -d)
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null; rm -rf "$DATA"; }
trap cleanup EXIT

serve() {  # serve PORT: start the demo server and wait for its banner
  "$MTP" serve --demo --data-dir "$DATA" --port "$1" --log-level warning > "$DATA/serve-$1.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 300); do grep -q "Press Ctrl-C" "$DATA/serve-$1.log" && return 0; sleep 0.2; done
  cat "$DATA/serve-$1.log"; return 1
}

harness() {  # harness BASE [flags]: run the shared harness against the demo tenant
  local base=$1; shift
  "$PY" - "$DATA/demo.json" "$base" <<'PYEOF' > "$DATA/env"
import json, sys, shlex
d = json.load(open(sys.argv[1]))
env = dict(RCH_BASE=sys.argv[2], RCH_TENANT=d["tenantId"], RCH_CLIENT_ID=d["apps"]["full"]["clientId"],
           RCH_CLIENT_SECRET=d["apps"]["full"]["clientSecret"], RCH_PUBLIC_CLIENT_ID=d["apps"]["public"]["clientId"],
           RCH_USERNAME=d["users"]["analyst"]["username"], RCH_PASSWORD=d["users"]["analyst"]["password"],
           RCH_CLIENT_CERT=d["apps"]["full"]["certificateFile"], RCH_CA_BUNDLE=d["caFile"])
print("".join("export %s=%s\n" % (k, shlex.quote(v)) for k, v in env.items()))
PYEOF
  (source "$DATA/env" && timeout 300 "$PY" "$HARNESS/real_clients_harness.py" --device-timeout 30 "$@")
}

echo "== real clients against mtp serve on a high port"
serve 18443
harness https://127.0.0.1:18443 --userrealm auto
echo "== OpenMTP interop checks"
timeout 300 "$PY" Tests/Interop/interop_clients.py "$DATA/demo.json" https://127.0.0.1:18443
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""

if [ "$(id -u)" = 0 ]; then
  echo "== real clients against mtp serve on 443 (msal's real user-realm call)"
  serve 443
  harness https://127.0.0.1 --userrealm real
else
  echo "SKIPPED port-443 run: binding 443 needs root"
fi
