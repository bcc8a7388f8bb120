#!/usr/bin/env bash
# Builds the case-loader fuzzer with clang (libFuzzer + AddressSanitizer +
# UBSan) in build-fuzz/ and runs it for SECONDS (default 300) on 2 workers,
# seeded with configs/ and tests/data/bad_cases/. Not part of CI.
#
#   tests/fuzz/run.sh [SECONDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-300}
command -v clang++ >/dev/null || { echo "fuzz: clang++ not found (apt-get install clang)" >&2; exit 2; }
CC=clang CXX=clang++ cmake -S "$root" -B "$root/build-fuzz" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DFIELDFORGE_FUZZ=ON -DFIELDFORGE_WITH_TORCH=OFF -DFIELDFORGE_WITH_PETSC=OFF \
  -DFIELDFORGE_BUILD_TESTS=OFF -DFIELDFORGE_BUILD_BENCH=OFF >/dev/null
cmake --build "$root/build-fuzz" -j2 --target fuzz_case_loader
corpus=$root/build-fuzz/corpus
mkdir -p "$corpus"
cp "$root"/configs/*.yaml "$root"/tests/data/bad_cases/*.yaml "$corpus"/
cd "$root/build-fuzz"
./fuzz_case_loader -max_total_time="$seconds" -jobs=2 -workers=2 -max_len=4096 -timeout=10 "$corpus"
