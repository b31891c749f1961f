#!/usr/bin/env bash
# Differential test of the KQL engine: every defender-flavoured dev-corpus query through OpenMTP (`mtp hunt --batch`)
# and duckdb-kql (../shared/tools/peers/kql_peers.py) over the same simulator data (`mtp simulate` → `mtp export`);
# rewrites the "Execution" section of docs/kql-coverage.md. Needs python3 with venv and PyPI access (peers installed
# once into .build/kql-peers). Usage: scripts/kql-differential.sh [DEVICES] [DAYS]
set -euo pipefail
cd "$(dirname "$0")/.."
DEVICES=${1:-50}
DAYS=${2:-7}
CORPUS=../shared/kql-corpus/dev-queries.jsonl
VENV=.build/kql-peers
WORK=.build/kql-differential
rm -rf "$WORK" && mkdir -p "$WORK/data"

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import duckdb_kql" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q kusto-query-language-parser antlr4-python3-runtime duckdb duckdb-kql
fi
swift build -c release --product mtp
MTP=.build/release/mtp
echo "== simulated data: $DEVICES devices, $DAYS days"
# The server creates the database; it is stopped once the file exists.
$MTP serve --data-dir "$WORK/data" --port 0 > "$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do [ -f "$WORK/data/openmtp.sqlite" ] && grep -q "listening\|https://" "$WORK/serve.log" && break; sleep 0.2; done
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
$MTP tenants create --data-dir "$WORK/data" --domain contoso.test > /dev/null
$MTP simulate --data-dir "$WORK/data" --tenant contoso.test --devices "$DEVICES" --days "$DAYS"
$MTP export --data-dir "$WORK/data" --tenant contoso.test --out "$WORK/export" > /dev/null
python3 -c "
import json, sys
for line in open('$CORPUS'):
    q = json.loads(line)
    if q['flavor'] == 'defender':
        print(json.dumps({'id': q['id'], 'query': q['query']}))
" > "$WORK/queries.jsonl"
echo "== OpenMTP"
$MTP hunt --data-dir "$WORK/data" --tenant contoso.test --batch --results < "$WORK/queries.jsonl" > "$WORK/openmtp.jsonl"
echo "== OpenMTP, the queries whose externaldata sources are unreachable, with an empty local copy of each source"
python3 scripts/externaldata_stand_ins.py "$WORK/queries.jsonl" "$WORK/openmtp.jsonl" "$WORK/empty-sources" > "$WORK/offline-queries.jsonl"
$MTP hunt --data-dir "$WORK/data" --tenant contoso.test --batch --externaldata-dir "$WORK/empty-sources" \
  < "$WORK/offline-queries.jsonl" > "$WORK/openmtp-empty-sources.jsonl"
echo "== duckdb-kql"
"$VENV/bin/python" ../shared/tools/peers/kql_peers.py duckdb_kql --data "$WORK/export" --queries "$WORK/queries.jsonl" --results \
  > "$WORK/duckdb.jsonl" 2> "$WORK/duckdb.err"
python3 scripts/kql_differential.py "$WORK/queries.jsonl" "$WORK/openmtp.jsonl" "$WORK/duckdb.jsonl" \
  --verdicts docs/kql-differential-verdicts.json --empty-sources "$WORK/openmtp-empty-sources.jsonl" > "$WORK/section.md"
python3 - "$WORK/section.md" <<'PY'
import sys
path = "docs/kql-coverage.md"
text = open(path).read()
marker = "## Execution: OpenMTP against duckdb-kql"
text = text.split(marker)[0].rstrip() + "\n\n" + open(sys.argv[1]).read()
open(path, "w").write(text)
PY
sed -n '/## Execution/,/^| query/p' docs/kql-coverage.md
