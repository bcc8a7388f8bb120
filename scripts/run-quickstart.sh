#!/usr/bin/env bash
# Installs the dependencies, builds fieldforge (Release, -j2) and runs the
# quickstart case. Extra arguments go to `fieldforge run`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/build.sh"
cd "$root"
./build/bin/fieldforge run configs/quickstart.yaml "$@"
