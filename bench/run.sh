#!/usr/bin/env bash
# The benchmark (issue 6) in one command: builds Release (server, txctl, peers, crypto floor, Core pipeline,
# runner), makes PostgreSQL ready for the two-silo case, then runs every case and writes
# bench/results/latest.md and latest.json. Options go to the runner, e.g.:
#   bench/run.sh                 the full run (3 runs per case; about 15 minutes on 2 cores)
#   bench/run.sh --quick         a ~3 minute smoke run (1 run, short windows, 20,000 subjects for scale)
#   bench/run.sh --cases floor,embedded --runs 5
# BENCH_POSTGRES names a PostgreSQL to use (not TX_POSTGRES: the servers it starts would read that as their own); otherwise scripts/postgres-setup.sh provides one (root needed).
# Needs a quiet machine for meaningful figures. Every process it starts is stopped when it ends.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

build() {
  echo "building $1 (Release)..."
  dotnet build "$1" -c Release -nologo -v quiet -tl:off >/dev/null || { dotnet build "$1" -c Release -nologo -v quiet -tl:off; exit 1; }
}
build src/TokenExchange.Server
build src/TokenExchange.Cli
build bench/Bench.sln

if [ -z "${BENCH_POSTGRES:-}" ]; then
  # A database of its own, so the benchmark's users and sessions stay out of the tests' database.
  if BENCH_POSTGRES=$(TX_PG_DATABASE=tokenexchange_bench "$root/scripts/postgres-setup.sh"); then
    export BENCH_POSTGRES
  else
    echo "PostgreSQL could not be set up: the two-silo case will be reported as failed" >&2
    unset BENCH_POSTGRES
  fi
fi

export BENCH_COMMAND="bench/run.sh${*:+ $*}"
runner=""
stop() { [ -n "$runner" ] && kill -TERM "$runner" 2>/dev/null; wait "$runner" 2>/dev/null || true; }
trap stop INT TERM
dotnet bench/Runner/bin/Release/net10.0/Runner.dll --root "$root" "$@" &
runner=$!
wait "$runner"
