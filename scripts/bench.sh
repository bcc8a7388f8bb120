#!/usr/bin/env bash
# Runs one benchmark of bench/: builds what it needs, runs it against its
# reference in the same run, writes bench/results/NAME.json and prints it.
#
#   scripts/bench.sh grf
#   scripts/bench.sh accuracy darcy_fno.yaml    (further arguments go to run.py)
set -euo pipefail
name=${1:?usage: scripts/bench.sh NAME   (one of: $(cd "$(dirname "$0")/../bench" && ls -d */ | grep -v -e reference -e results | tr -d / | tr '\n' ' '))}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FIELDFORGE_BUILD_DIR:-$root/build}
[ -f "$root/bench/$name/run.py" ] || { echo "bench.sh: no benchmark '$name' (bench/$name/run.py)" >&2; exit 2; }

bash "$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target "bench_$name" fieldforge
/usr/bin/python3 "$root/bench/$name/run.py" "$build" "$root/bench/results/$name.json" "${@:2}"
cat "$root/bench/results/$name.json"
