#!/usr/bin/env bash
# A GRF dataset written by 2 MPI ranks equals the serial one, sample for
# sample and bit for bit, both through parallel HDF5 and through per-rank
# shards merged by rank 0 (the path taken where HDF5 is serial).
set -euo pipefail
fieldforge=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
case_file=$source_dir/configs/quickstart.yaml
# 25 samples: an odd count, so the two ranks own blocks of different sizes.
args=(stages.data.samples.train=20 stages.data.samples.test=5 stages.data.grid.n=32)

"$fieldforge" run "$case_file" "${args[@]}" output="$work/serial" >/dev/null 2>&1
mpiexec --oversubscribe -n 2 "$fieldforge" run "$case_file" "${args[@]}" output="$work/parallel" >/dev/null 2>&1
FIELDFORGE_HDF5_MODE=shards mpiexec --oversubscribe -n 2 "$fieldforge" run "$case_file" "${args[@]}" output="$work/shards" >/dev/null 2>&1

status=0
for mode in parallel shards; do
  if h5diff -r "$work/serial/data/grf.h5" "$work/$mode/data/grf.h5" /inputs /inputs >/dev/null &&
     h5diff -r "$work/serial/data/grf.h5" "$work/$mode/data/grf.h5" /splits /splits >/dev/null; then
    echo "$mode: identical to serial"
  else
    echo "$mode: DIFFERS from serial"; status=1
  fi
  if ls "$work/$mode/data/" | grep -q partial; then echo "$mode: leftover partial files"; status=1; fi
done
exit $status
