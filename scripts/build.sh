#!/usr/bin/env bash
# Installs the dependencies and builds everything into build/ (Release, -j2).
# Extra arguments go to the CMake configure step, e.g. -DFIELDFORGE_WITH_TORCH=OFF.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/install-deps.sh"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build "$root/build" -j2
