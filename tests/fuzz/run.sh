#!/usr/bin/env bash
# Builds the case-loader fuzzer with clang (libFuzzer + AddressSanitizer +
# UBSan) in build-fuzz/ and runs it. Not part of CI, but what it finds is:
# the unit test CaseFile.FuzzCrashersAndCorpusLoadOrRaiseInputError replays
# every file in tests/fuzz/crashers/ and tests/fuzz/corpus/.
#
#   tests/fuzz/run.sh [SECONDS [WORKERS]]   fuzz for SECONDS (default 300) on WORKERS
#                                           processes (default 1); log in build-fuzz/fuzz.log
#   tests/fuzz/run.sh merge                 minimize what the runs found into tests/fuzz/corpus/
#
# Seeds: tests/fuzz/corpus/ (kept minimized with `merge`), configs/ and
# tests/data/bad_cases/. An input slower than 2 s counts as a hang
# (-timeout=2): the loader must refuse anything in well under a second.
# Crash and hang reproducers land in build-fuzz/artifacts/; copy each into
# tests/fuzz/crashers/ once fixed. BUILD_JOBS (default 1) sets make -j;
# KEEP_GOING=1 runs in libFuzzer's fork mode, which records every crash, hang
# and out-of-memory and goes on instead of stopping at the first.
set -euo pipefail
shopt -s nullglob
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build-fuzz
command -v clang++ >/dev/null || { echo "fuzz: clang++ not found (apt-get install clang)" >&2; exit 2; }
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DFIELDFORGE_FUZZ=ON -DFIELDFORGE_WITH_TORCH=OFF -DFIELDFORGE_WITH_PETSC=OFF \
  -DFIELDFORGE_BUILD_TESTS=OFF -DFIELDFORGE_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j"${BUILD_JOBS:-1}" --target fuzz_case_loader

corpus=$build/corpus  # the working corpus: grows during runs
mkdir -p "$corpus" "$build/artifacts"
if [[ ${1:-} == merge ]]; then
  mkdir -p "$root/tests/fuzz/corpus"
  # Edge coverage only (-use_counters=0): a couple of hundred inputs of a
  # few dozen bytes each, not thousands.
  "$build/fuzz_case_loader" -merge=1 -use_counters=0 -max_len=8192 -timeout=2 "$root/tests/fuzz/corpus" "$corpus"
  exit 0
fi
seconds=${1:-300}
workers=${2:-1}
cp "$root"/tests/fuzz/corpus/* "$root"/configs/*.yaml "$root"/tests/data/bad_cases/*.yaml "$corpus"/
cd "$build"
flags=(-max_total_time="$seconds" -max_len=8192 -timeout=2 -rss_limit_mb=2048 -artifact_prefix="$build/artifacts/"
       -print_final_stats=1)
if [[ ${KEEP_GOING:-0} == 1 ]]; then
  ./fuzz_case_loader "${flags[@]}" -fork="$workers" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 "$corpus" 2>&1 |
    tee "$build/fuzz.log"
elif ((workers == 1)); then
  ./fuzz_case_loader "${flags[@]}" "$corpus" 2>&1 | tee "$build/fuzz.log"
else
  ./fuzz_case_loader "${flags[@]}" -jobs="$workers" -workers="$workers" "$corpus"  # logs in fuzz-N.log
fi
