#!/usr/bin/env bash
# Regenerates docs/kql-coverage.md: how much of the dev corpus (../shared/kql-corpus/dev-queries.jsonl) OpenMTP's KQL
# front end parses and binds, measured against Microsoft's reference grammar (the ANTLR peer in ../shared/tools/peers).
# Needs python3 with venv and PyPI access for the peer (installed once into .build/kql-peers).
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=../shared/kql-corpus/dev-queries.jsonl
VENV=.build/kql-peers
WORK=.build/kql-coverage
mkdir -p "$WORK"

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q kusto-query-language-parser antlr4-python3-runtime
fi
swift build --product mtp
echo "== reference grammar (ANTLR) over $(wc -l < "$CORPUS") queries"
"$VENV/bin/python" ../shared/tools/peers/kql_peers.py antlr --queries "$CORPUS" > "$WORK/antlr.jsonl" 2> "$WORK/antlr.err"
echo "== mtp kql check --batch"
.build/debug/mtp kql check --batch < "$CORPUS" > "$WORK/openmtp.jsonl" || true
python3 scripts/kql_coverage.py "$CORPUS" "$WORK/antlr.jsonl" "$WORK/openmtp.jsonl" > docs/kql-coverage.md
head -20 docs/kql-coverage.md
