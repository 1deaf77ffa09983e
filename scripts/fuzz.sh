#!/usr/bin/env bash
# Coverage-guided fuzzing of one target with SharpFuzz and afl++ (README "Fuzzing").
#   scripts/fuzz.sh TARGET MINUTES     TARGET: form | jwt | config | grpc
# Replay one input:  dotnet fuzz/TokenExchange.Fuzz/bin/Release/net10.0/TokenExchange.Fuzz.dll TARGET < FILE
# Builds fuzz/TokenExchange.Fuzz (Release), instruments a copy of the assemblies under test, runs afl-fuzz
# (nice'd) for MINUTES from the seeds in fuzz/corpus/TARGET, then lists the findings and replays each one to
# show its exception. Output: artifacts/fuzz/TARGET/ (not in git). Exits non-zero on any crash or hang.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() { echo "usage: $0 form|jwt|config|grpc MINUTES" >&2; exit 2; }
[ $# -eq 2 ] || usage
target=$1 minutes=$2
[[ $minutes =~ ^[1-9][0-9]*$ ]] || usage

# What afl-fuzz's coverage map sees: the assemblies on the target's path (instrumenting everything would
# fill the 64 KiB map with start-up noise).
case $target in
  form) assemblies="TokenExchange.Server.dll TokenExchange.Core.dll" ;;
  jwt) assemblies="TokenExchange.Core.dll Microsoft.IdentityModel.JsonWebTokens.dll Microsoft.IdentityModel.Tokens.dll" ;;
  config) assemblies="TokenExchange.Core.dll YamlDotNet.dll" ;;
  grpc) assemblies="TokenExchange.Server.dll Google.Protobuf.dll" ;;
  *) usage ;;
esac

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if ! command -v afl-fuzz >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++
fi
tools="$root/artifacts/fuzz/tools"
if [ ! -x "$tools/sharpfuzz" ]; then
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null
fi

project="$root/fuzz/TokenExchange.Fuzz"
# TX_FUZZ_NO_BUILD=1 reuses the last Release build (one build for several targets).
[ "${TX_FUZZ_NO_BUILD:-}" = 1 ] || nice -n 10 dotnet build "$project" -c Release -nologo -v quiet
built="$project/bin/Release/net10.0"

# A fresh copy each run: sharpfuzz instruments in place, and refuses an assembly instrumented already.
work="$root/artifacts/fuzz/$target"
rm -rf "$work"
mkdir -p "$work"
cp -r "$built" "$work/bin"
for assembly in $assemblies; do
  "$tools/sharpfuzz" "$work/bin/$assembly" >/dev/null
done

# dotnet is not afl-instrumented (the assemblies are): skip afl-fuzz's binary check. No UI, no CPU pinning
# (the machine is shared). -t: a run longer than 5 s is a hang; -V: stop after the given time.
dictionary=()
[ -f "$root/fuzz/dict/$target.dict" ] && dictionary=(-x "$root/fuzz/dict/$target.dict")
echo "fuzzing $target for $minutes min (instrumented: $assemblies)"
AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
  nice -n 10 afl-fuzz -i "$root/fuzz/corpus/$target" -o "$work/findings" -t 5000 -m none -V $((minutes * 60)) "${dictionary[@]}" \
  -- "$(command -v dotnet)" "$work/bin/TokenExchange.Fuzz.dll" "$target" > "$work/afl.log" 2>&1 || {
    echo "afl-fuzz failed; its log:" >&2; tail -40 "$work/afl.log" >&2; exit 1; }

stats="$work/findings/default/fuzzer_stats"
stat() { sed -n "s/^$1 *: *//p" "$stats"; }
findings=0
for kind in crashes hangs; do
  for input in "$work/findings/default/$kind"/id:*; do
    [ -f "$input" ] || continue
    findings=$((findings + 1))
    echo "$kind: $input"
    # Replayed on the uninstrumented build: its exception (a hang shows none within the limit).
    timeout 20 dotnet "$built/TokenExchange.Fuzz.dll" "$target" < "$input" 2>&1 | grep -m 3 -E "Exception|Finding|at " | sed 's/^/    /' || true
  done
done
echo "fuzz $target: $(stat run_time) s, $(stat execs_done) execs ($(stat execs_per_sec)/s), corpus $(stat corpus_count), crashes $(stat saved_crashes), hangs $(stat saved_hangs)"
[ "$findings" -eq 0 ]
