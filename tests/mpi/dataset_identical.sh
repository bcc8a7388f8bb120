#!/usr/bin/env bash
# A dataset written by 2 MPI ranks equals the serial one, sample for sample
# and bit for bit, both through parallel HDF5 and through per-rank shards
# merged by rank 0 (the path taken where HDF5 is serial).
#
#   dataset_identical.sh FIELDFORGE CASE.yaml STAGE/FILE.h5 [key=value ...]
#
# With WITH_THREADS=1 a fourth run, serial on FIELDFORGE_THREADS=2 (samples on
# worker threads), must give the same file too. All runs share one FFTW
# wisdom file, so they use the same FFT plans.
set -euo pipefail
fieldforge=$1
case_file=$2
dataset=$3
shift 3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 FIELDFORGE_FFTW_WISDOM=$work/wisdom

"$fieldforge" run "$case_file" "$@" output="$work/serial" >"$work/serial.log" 2>&1 || { cat "$work/serial.log"; exit 1; }
mpiexec --oversubscribe -n 2 "$fieldforge" run "$case_file" "$@" output="$work/parallel" >/dev/null 2>&1
FIELDFORGE_HDF5_MODE=shards mpiexec --oversubscribe -n 2 "$fieldforge" run "$case_file" "$@" output="$work/shards" >/dev/null 2>&1
modes="parallel shards"
if [ "${WITH_THREADS:-0}" = 1 ]; then
  FIELDFORGE_THREADS=2 "$fieldforge" run "$case_file" "$@" output="$work/threads" >/dev/null 2>&1
  modes="$modes threads"
fi

status=0
groups=$(h5ls "$work/serial/$dataset" | awk '{print $1}' | grep -v -e '^grid$')
for mode in $modes; do
  for group in $groups; do
    if ! h5diff -r "$work/serial/$dataset" "$work/$mode/$dataset" "/$group" "/$group" >/dev/null; then
      echo "$mode: /$group DIFFERS from serial"; status=1
    fi
  done
  [ $status -eq 0 ] && echo "$mode: identical to serial ($(echo $groups | tr '\n' ' '))"
  if find "$work/$mode" -name '*.partial' | grep -q .; then echo "$mode: leftover partial files"; status=1; fi
done
exit $status
