#!/usr/bin/env python3
"""Compares OpenMTP's results with duckdb-kql's on the same data, query by query.

usage: kql_differential.py CORPUS.jsonl OPENMTP.jsonl DUCKDB.jsonl [--verdicts VERDICTS.json]
       [--empty-sources OPENMTP_EMPTY_SOURCES.jsonl] > report.md

OPENMTP.jsonl is `mtp hunt --batch --results` output, DUCKDB.jsonl is `kql_peers.py duckdb_kql --results` output,
both over the defender-flavoured corpus queries and the same `mtp export` folder.

Comparison rules (a query counts when both engines ran it without error):
  * same number of columns and rows;
  * rows compared as a multiset (row order is not compared: ties of sort/top are unspecified in Kusto, and most
    queries do not sort);
  * datetimes compared to the microsecond (duckdb keeps microseconds), as UTC;
  * reals equal within 1e-9 relative; a `dcount*` column within 2% (both are estimates in Kusto);
  * a string column's null equals "" (Kusto strings have no null; duckdb has SQL NULL);
  * dynamic values compared as parsed JSON.
VERDICTS.json maps query ids to {"right": "openmtp"|"duckdb-kql"|"unclear", "why": "..."}: the reading of the
Kusto documentation for each disagreement, written by hand and kept with the report.
OPENMTP_EMPTY_SOURCES.jsonl is the rerun of the queries whose externaldata sources could not be fetched, each source
replaced by an empty local file (scripts/externaldata_stand_ins.py): it shows whether the rest of those queries runs.
"""
import datetime
import json
import math
import re
import sys

from externaldata_stand_ins import NETWORK_ERROR


def load(path):
    out = {}
    for line in open(path):
        if line.strip():
            item = json.loads(line)
            out[item["id"]] = item
    return out


def norm_time(text):
    m = re.match(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$", text)
    if not m:
        return None
    frac = (m.group(3) or "")[:6].ljust(6, "0")
    if m.group(4) not in (None, "Z", "+00:00", "+0000"):
        dt = datetime.datetime.fromisoformat(f"{m.group(1)}T{m.group(2)}.{frac}{m.group(4)}").astimezone(datetime.timezone.utc)
        return dt.strftime("%Y-%m-%dT%H:%M:%S.%f")
    return f"{m.group(1)}T{m.group(2)}.{frac}"


def norm(value):
    """A comparable form of one cell."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, sort_keys=True)
    text = str(value)
    t = norm_time(text)
    if t:
        return t
    if text[:1] == '"':
        # duckdb-kql's loader keeps some dynamic columns as JSON-encoded strings.
        try:
            return norm(json.loads(text))
        except ValueError:
            pass
    if text[:1] in "[{":
        try:
            return json.dumps(json.loads(text), sort_keys=True)
        except ValueError:
            pass
    if text in ("True", "False"):
        return text == "True"
    try:
        if re.match(r"^-?\d+(\.\d+)?(e[+-]?\d+)?$", text):
            return float(text)
    except ValueError:
        pass
    return text


def same(a, b, tolerance):
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) and math.isnan(b):
            return True
        return abs(a - b) <= max(tolerance * max(abs(a), abs(b)), 1e-12)
    return a == b


def rows_equal(ours, theirs, dcount_columns):
    if len(ours) != len(theirs):
        return False
    key = lambda row: json.dumps([str(c) for c in row])
    a = sorted(([norm(c) for c in row] for row in ours), key=key)
    b = sorted(([norm(c) for c in row] for row in theirs), key=key)
    for x, y in zip(a, b):
        if len(x) != len(y):
            return False
        for i, (p, q) in enumerate(zip(x, y)):
            if not same(p, q, 0.02 if i in dcount_columns else 1e-9):
                return False
    return True


def option(args, name):
    """The value of `name VALUE` in args, removed from them; None when absent."""
    if name not in args:
        return None
    i = args.index(name)
    value = args[i + 1]
    del args[i:i + 2]
    return value


def main():
    args = sys.argv[1:]
    verdicts_path = option(args, "--verdicts")
    verdicts = json.load(open(verdicts_path)) if verdicts_path else {}
    empty_sources_path = option(args, "--empty-sources")
    corpus_path, ours_path, theirs_path = args
    corpus = load(corpus_path)
    ours = load(ours_path)
    theirs = load(theirs_path)
    both, agree, nonempty, disagreements = 0, 0, 0, []
    ran = sum(1 for r in ours.values() if r.get("ok"))
    bound = sum(1 for r in ours.values() if r.get("ok") or not str(r.get("error", "")).startswith("Query could not be parsed"))
    network = sum(1 for r in ours.values() if not r.get("ok") and NETWORK_ERROR in str(r.get("error", "")))
    for qid, mine in ours.items():
        peer = theirs.get(qid)
        if not mine.get("ok") or not peer or not peer.get("ok"):
            continue
        both += 1
        if mine.get("rows") or peer.get("rows"):
            nonempty += 1
        columns = mine.get("columns", [])
        dcount_columns = {i for i, c in enumerate(columns) if c["name"].startswith("dcount")}
        mine_rows = mine.get("results", [])
        peer_rows = peer.get("result", [])
        if len(columns) == (len(peer_rows[0]) if peer_rows else len(columns)) and rows_equal(mine_rows, peer_rows, dcount_columns):
            agree += 1
        else:
            disagreements.append((qid, mine, peer))
    print("## Execution: OpenMTP against duckdb-kql\n")
    print("Measured with `scripts/kql-differential.sh` (simulated devices and days as its arguments; `mtp hunt --batch "
          "--results` and `kql_peers.py duckdb_kql --results` over the same rows). Comparison rules are in "
          "`scripts/kql_differential.py`: rows as a multiset, datetimes to the microsecond, reals within 1e-9, `dcount` "
          "within 2%, a string column's null equal to \"\", dynamic values as parsed JSON.\n")
    print(f"- defender-flavoured queries that bind: {bound}; executed without error: {ran} "
          f"({100.0 * ran / max(bound, 1):.1f}%); {network} of the failures are `externaldata` sources this offline "
          f"machine cannot fetch ({100.0 * ran / max(bound - network, 1):.1f}% of the rest)")
    if empty_sources_path:
        rerun = load(empty_sources_path)
        ran_empty = sum(1 for r in rerun.values() if r.get("ok"))
        print(f"- the {network} queries again, each unreachable source replaced by an empty local file "
              f"(`scripts/externaldata_stand_ins.py`): {ran_empty} run without error, so {ran + ran_empty} of {bound} "
              f"({100.0 * (ran + ran_empty) / max(bound, 1):.1f}%) execute once their sources can be read (a stand-in has "
              f"no columns of its own, so a query naming columns that `bag_unpack` makes from a source's contents "
              f"still fails)")
        for qid, result in rerun.items():
            if not result.get("ok"):
                print(f"  - `{qid}` still fails: {str(result.get('error', ''))[:160]}")
    print(f"- run by both engines: {both} ({nonempty} of them with rows on this data); identical results: {agree} "
          f"({100.0 * agree / max(both, 1):.1f}%)\n")
    print("| query | OpenMTP rows | duckdb-kql rows | right per the Kusto docs | why |")
    print("|---|---|---|---|---|")
    for qid, mine, peer in disagreements:
        verdict = verdicts.get(qid, {"right": "not yet judged", "why": ""})
        print(f"| `{qid}` | {mine.get('rows')} | {peer.get('rows')} | {verdict['right']} | {verdict['why']} |")


if __name__ == "__main__":
    main()
