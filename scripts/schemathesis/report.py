#!/usr/bin/env python3
"""Group the failures of a Schemathesis run by check and operation, with reproductions.

Reads the NDJSON event report(s) of `st run --report ndjson` and prints, per
(failure code, check, operation): how often it failed, and up to --samples
requests (method, URL, body) with their responses (status, body). With
--statuses it also prints every operation's status codes, which tells e.g.
whether `{id}` routes reached real records. Standard library only.

    python3 scripts/schemathesis/report.py target/schemathesis-report/rep/*.ndjson
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from collections import Counter, defaultdict


def decode(content) -> str:
    if content is None:
        return ""
    if isinstance(content, dict) and "$base64" in content:
        raw = base64.b64decode(content["$base64"])
        return raw.decode("utf-8", "replace")
    if isinstance(content, dict) and "string" in content:
        return content["string"]
    return content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)


def clip(text: str, limit: int) -> str:
    text = text.replace("\r\n", "\\r\\n").replace("\n", "\\n")
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} chars)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("ndjson", nargs="+")
    parser.add_argument("--samples", type=int, default=2)
    parser.add_argument("--width", type=int, default=400, help="characters of each body to show")
    parser.add_argument("--statuses", action="store_true", help="also print each operation's status codes")
    args = parser.parse_args()

    groups: dict[tuple, list] = defaultdict(list)
    statuses: dict[str, Counter] = defaultdict(Counter)
    seen: set[tuple] = set()
    for path in args.ndjson:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                event = json.loads(line)
                finished = event.get("ScenarioFinished")
                if not finished:
                    continue
                recorder = finished["recorder"]
                cases = recorder.get("cases", {})
                interactions = recorder.get("interactions", {})
                for case_id, interaction in interactions.items():
                    response = interaction.get("response")
                    case = cases.get(case_id, {}).get("value", {})
                    label = f"{case.get('method', '?')} {case.get('path', '?')}"
                    if response and case:
                        statuses[label][response["status_code"]] += 1
                for case_id, checks in recorder.get("checks", {}).items():
                    for check in checks:
                        if check.get("status") != "failure":
                            continue
                        failure = (check.get("failure_info") or {}).get("failure", {})
                        target = failure.get("case_id") or case_id
                        case = cases.get(target, cases.get(case_id, {})).get("value", {})
                        interaction = interactions.get(target) or interactions.get(case_id) or {}
                        request = interaction.get("request", {})
                        response = interaction.get("response") or {}
                        operation = failure.get("operation") or f"{case.get('method')} {case.get('path')}"
                        key = (failure.get("code", "?"), check["name"], operation)
                        sample = (
                            request.get("method", case.get("method")),
                            request.get("uri", case.get("path")),
                            decode(request.get("body")),
                            response.get("status_code"),
                            decode(response.get("content")),
                            failure.get("title", ""),
                            failure.get("message", ""),
                            ((case.get("meta") or {}).get("phase") or {}).get("name", ""),
                        )
                        dedup = key + sample[:4]
                        if dedup in seen:
                            continue
                        seen.add(dedup)
                        groups[key].append(sample)

    if not groups:
        print("no failures")
    for (code, check, operation), samples in sorted(groups.items()):
        print(f"## {code} {check} — {operation} ({len(samples)} distinct)")
        for method, uri, body, status, rbody, title, message, phase in samples[: args.samples]:
            print(f"   [{phase}] {title}: {clip(message, 300)}")
            print(f"   > {method} {uri}" + (f"  body: {clip(body, args.width)}" if body else ""))
            print(f"   < {status}  {clip(rbody, args.width)}")
        print()
    if args.statuses:
        print("## status codes per operation")
        for label in sorted(statuses):
            if set(statuses[label]) == {405}:
                continue  # a method the route does not have (unsupported_method probes)
            counts = ", ".join(f"{code}×{n}" for code, n in sorted(statuses[label].items()))
            print(f"   {label}: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
