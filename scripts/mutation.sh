#!/usr/bin/env bash
# Mutation testing of the security rules (issue 18): runs Stryker.NET, the local tool of .config/dotnet-tools.json,
# in each test project that has a stryker-config.json, prints the mutation score of every file it mutates, and
# exits non-zero when any file scores below the threshold (MUTATION_THRESHOLD, default 90 %) or Stryker fails.
# Reports go to artifacts/mutation/<test project>/ (reports/mutation-report.html shows each mutant).
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
threshold=${MUTATION_THRESHOLD:-90}
out="$root/artifacts/mutation"

if ! command -v python3 >/dev/null 2>&1; then
  echo "error: python3 is needed to read Stryker's report" >&2
  exit 1
fi
cd "$root"
dotnet tool restore >/dev/null || { echo "error: dotnet tool restore failed" >&2; exit 1; }

status=0
found=0
for config in "$root"/tests/*/stryker-config.json; do
  [ -f "$config" ] || continue
  found=1
  project_dir=$(dirname "$config")
  name=$(basename "$project_dir")
  rm -rf "${out:?}/$name"
  mkdir -p "$out/$name"
  echo "Mutation testing $name (Stryker.NET; log in artifacts/mutation/$name/stryker.log)"
  started=$(date +%s)
  # nice: a mutation run keeps both cores busy for minutes; interactive work on the machine stays responsive.
  # Buildalyzer (inside Stryker) gives `dotnet --info` 10 s by default and fails with "Could not find build
  # environment" when a busy machine takes longer; DOTNET_INFO_WAIT_TIME is its knob (milliseconds).
  if ! (cd "$project_dir" && DOTNET_INFO_WAIT_TIME=${DOTNET_INFO_WAIT_TIME:-120000} nice -n 10 dotnet stryker --config-file stryker-config.json --output "$out/$name" >"$out/$name/stryker.log" 2>&1); then
    echo "error: Stryker failed for $name; the end of its log:" >&2
    tail -n 30 "$out/$name/stryker.log" >&2
    status=1
    continue
  fi
  # Stryker keeps the project's built assembly as *.stryker-unchanged in the test project's output and puts it
  # back when it is done, but does not renew a copy left by an earlier run: without this, the next run would put
  # back a stale build for the next `dotnet test --no-build`.
  rm -f "$project_dir"/bin/*/*/*.stryker-unchanged
  echo "Stryker ran $(( $(date +%s) - started )) s for $name"
  python3 "$root/scripts/mutation-scores.py" "$config" "$out/$name/reports/mutation-report.json" "$threshold" || status=1
done

if [ "$found" -eq 0 ]; then
  echo "error: no tests/*/stryker-config.json" >&2
  exit 1
fi
if [ "$status" -ne 0 ]; then
  echo "Mutation testing failed: a file is below ${threshold}% or Stryker did not finish." >&2
fi
exit "$status"
