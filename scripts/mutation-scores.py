#!/usr/bin/env python3
"""Prints the mutation score of each file a stryker-config.json mutates, read from Stryker.NET's JSON report
(the mutation-testing-elements schema), and exits 1 when any file is below the threshold.

Stryker's own thresholds.break applies to the whole run; the security rules are held to the target one file
at a time (issue 18), so one well-tested file cannot carry a poorly tested one.

Usage: mutation-scores.py STRYKER_CONFIG REPORT_JSON THRESHOLD
"""
import fnmatch
import json
import os
import sys

# Stryker's statuses: killed and timed-out mutants were detected; survived and uncovered ones were not.
# Ignored mutants (strings, logging calls, Stryker comments) and compile errors do not count.
DETECTED = ("Killed", "Timeout")
UNDETECTED = ("Survived", "NoCoverage")


def main(config_path, report_path, threshold):
    with open(config_path, encoding="utf-8") as f:
        patterns = [p for p in json.load(f)["stryker-config"]["mutate"] if not p.startswith("!")]
    with open(report_path, encoding="utf-8") as f:
        report = json.load(f)
    root = report["projectRoot"]

    # Each path as "/Dir/File.cs" under the project, so that "**/Dir/File.cs" matches it.
    files = {"/" + os.path.relpath(path, root).replace(os.sep, "/"): data for path, data in report["files"].items()}
    failed = False
    for pattern in patterns:
        # A named file that matches nothing was moved or renamed: its rules would silently go unmeasured.
        if not any(ch in os.path.basename(pattern) for ch in "*?[") and not any(fnmatch.fnmatch(p, pattern) for p in files):
            print(f"error: {config_path}: '{pattern}' matches no file of {root}", file=sys.stderr)
            failed = True

    rows = []
    for path in sorted(p for p in files if any(fnmatch.fnmatch(p, pattern) for pattern in patterns)):
        mutants = files[path]["mutants"]
        count = {status: sum(1 for m in mutants if m["status"] == status) for status in DETECTED + UNDETECTED + ("Ignored",)}
        detected = sum(count[s] for s in DETECTED)
        scored = detected + sum(count[s] for s in UNDETECTED)
        score = 100.0 * detected / scored if scored else None
        below = score is not None and score < threshold
        failed |= below
        rows.append((path.lstrip("/"), count, score, below, mutants, files[path]["source"].split("\n")))

    width = max([len(r[0]) for r in rows] + [4])
    print(f"{'file':<{width}}  killed  timeout  survived  no-cover  ignored   score")
    for path, count, score, below, _, _ in rows:
        shown = "    n/a" if score is None else f"{score:6.1f}%"
        print(f"{path:<{width}}  {count['Killed']:6}  {count['Timeout']:7}  {count['Survived']:8}  {count['NoCoverage']:8}  {count['Ignored']:7}  {shown}"
              + ("  BELOW" if below else ""))

    # What a failing file's tests miss, so the log says which rule to test.
    for path, _, score, below, mutants, source in rows:
        if not below:
            continue
        print(f"\n{path}: {score:.1f}% is below {threshold}%; undetected mutants:")
        for m in sorted((m for m in mutants if m["status"] in UNDETECTED), key=lambda m: m["location"]["start"]["line"]):
            line = m["location"]["start"]["line"]
            print(f"  line {line} {m['status']}: {m['mutatorName']}: {m.get('replacement', '').splitlines()[0][:100] if m.get('replacement') else ''}")
            print(f"      {source[line - 1].strip()[:120]}")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2], float(sys.argv[3])))
