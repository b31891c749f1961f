#!/usr/bin/env python3
"""Empty stand-ins for the externaldata sources this offline machine cannot fetch.

usage: externaldata_stand_ins.py QUERIES.jsonl OPENMTP.jsonl MIRROR_DIR > OFFLINE_QUERIES.jsonl

For every query that `mtp hunt --batch` failed only because an externaldata source could not be read, writes an
empty file at MIRROR_DIR/<host>/<path> (<path>index.html for a folder) for each http(s) URI in the query (the layout
`--externaldata-dir` reads) and prints the query as a batch line. Run those lines again with `--externaldata-dir MIRROR_DIR`: each source then reads
as zero rows, so what is left to fail is the rest of the query. The stand-ins hold no data, so the rows such a run
returns say nothing about the real lists; only whether the query runs is measured.
"""
import json
import os
import re
import sys
import urllib.parse

NETWORK_ERROR = "externaldata: could not read"
URI = re.compile(r"https?://[^\s\"'\]\)]+")


def main():
    queries_path, results_path, mirror = sys.argv[1:]
    queries = {q["id"]: q for q in map(json.loads, filter(str.strip, open(queries_path)))}
    for line in filter(str.strip, open(results_path)):
        result = json.loads(line)
        if result.get("ok") or NETWORK_ERROR not in str(result.get("error", "")):
            continue
        query = queries[result["id"]]
        for uri in URI.findall(query["query"]):
            parts = urllib.parse.urlsplit(uri)
            path = urllib.parse.unquote(parts.path).lstrip("/")
            if not path or path.endswith("/"):
                path += "index.html"
            if not parts.hostname or ".." in path.split("/"):
                continue
            target = os.path.join(mirror, parts.hostname, path)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            open(target, "a").close()
        print(json.dumps({"id": query["id"], "query": query["query"]}))


if __name__ == "__main__":
    main()
