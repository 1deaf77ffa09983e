#!/usr/bin/env bash
# The benchmark (issue 6) in one command: builds Release (server, txctl, peers, crypto floor, Core pipeline,
# runner), makes PostgreSQL ready for the two-silo case, then runs every case and writes
# bench/results/latest.md and latest.json. Options go to the runner, e.g.:
#   bench/run.sh                 the full run (3 runs per case; about 35 minutes on 2 cores)
#   bench/run.sh --quick         a ~5 minute smoke run (1 run, short windows, 20,000 subjects for scale)
#   bench/run.sh --cases floor,embedded --runs 5
#   bench/run.sh --cases coldstart --server-env DOTNET_TieredPGO=0   a runtime setting for every silo
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
# The silos run as deployed: published for this machine's runtime, ReadyToRun (the Dockerfile's publish).
server="$root/artifacts/bench-server"
echo "publishing src/TokenExchange.Server (Release, ReadyToRun)..."
dotnet publish src/TokenExchange.Server -c Release --use-current-runtime --self-contained false -o "$server" -nologo -v quiet -tl:off >/dev/null \
  || { dotnet publish src/TokenExchange.Server -c Release --use-current-runtime --self-contained false -o "$server" -nologo -v quiet -tl:off; exit 1; }

# The load generator too, so its own first-tier code does not take the cores a new silo's cold start is measured on.
txctl="$root/artifacts/bench-txctl"
echo "publishing src/TokenExchange.Cli (Release, ReadyToRun)..."
dotnet publish src/TokenExchange.Cli -c Release --use-current-runtime --self-contained false -p:PublishReadyToRun=true -o "$txctl" -nologo -v quiet -tl:off >/dev/null \
  || { dotnet publish src/TokenExchange.Cli -c Release --use-current-runtime --self-contained false -p:PublishReadyToRun=true -o "$txctl" -nologo -v quiet -tl:off; exit 1; }

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
dotnet bench/Runner/bin/Release/net10.0/Runner.dll --root "$root" --server "$server/TokenExchange.Server.dll" --txctl "$txctl/txctl.dll" "$@" &
runner=$!
wait "$runner"
