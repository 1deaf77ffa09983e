#!/usr/bin/env bash
# Runs every test of the solution (Release) and ends with one line: "N passed, N failed, N skipped",
# summed from the test results. Exits non-zero when any test failed or none ran.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
results="$root/artifacts/test-results"
rm -rf "$results"

# The cluster tests need PostgreSQL: set it up unless the caller points at one (TX_TEST_POSTGRES).
# If that fails, the tests that need it fail loudly; they are never skipped.
if [ -z "${TX_TEST_POSTGRES:-}" ]; then
  if TX_TEST_POSTGRES=$("$root/scripts/postgres-setup.sh"); then
    export TX_TEST_POSTGRES
  else
    echo "warning: PostgreSQL could not be set up; the tests that need it will fail" >&2
  fi
fi

dotnet test "$root/Cluster.sln" -c Release --logger trx --results-directory "$results" "$@"
status=$?

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  field() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(field passed)))
  failed=$((failed + $(field failed) + $(field error) + $(field timeout) + $(field aborted)))
  skipped=$((skipped + $(field notExecuted)))
done

# One result file per test project, or a project's results went missing (a crashed test host).
projects=$(find "$root/tests" -name '*.Tests.csproj' | wc -l)
if [ "$files" -ne "$projects" ]; then
  echo "error: $files test result files for $projects test projects" >&2
  status=1
fi

echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
