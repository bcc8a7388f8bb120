#!/usr/bin/env bash
# A mesh dataset written by a solve distributed over 2 MPI ranks matches the
# serial one: the same /mesh bit for bit (gather_mesh numbers nodes by their
# coordinates, whatever the partition) and the same field to an absolute
# tolerance (the distributed Krylov solve sums in another order and its
# preconditioner depends on the partition, so values agree to the solver's
# tolerance, not bit for bit).
#
#   mesh_dataset_close.sh FIELDFORGE CASE.yaml STAGE/FILE.h5 FIELD TOLERANCE [key=value ...]
set -euo pipefail
fieldforge=$1
case_file=$2
dataset=$3
field=$4
tolerance=$5
shift 5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

"$fieldforge" run "$case_file" "$@" output="$work/serial" >"$work/serial.log" 2>&1 || { cat "$work/serial.log"; exit 1; }
mpiexec --oversubscribe -n 2 "$fieldforge" run "$case_file" "$@" output="$work/parallel" >"$work/parallel.log" 2>&1 ||
  { cat "$work/parallel.log"; exit 1; }

h5diff "$work/serial/$dataset" "$work/parallel/$dataset" /mesh /mesh || { echo "/mesh DIFFERS from serial"; exit 1; }
h5diff -d "$tolerance" "$work/serial/$dataset" "$work/parallel/$dataset" "$field" "$field" ||
  { echo "$field differs from serial by more than $tolerance"; exit 1; }
echo "/mesh identical to serial, $field within $tolerance"
