#!/usr/bin/env bash
# A full disk is a clear error, exit code 1, and no file that looks finished:
# a dataset too large for the disk stops before its first sample, and a
# checkpoint that does not fit stops training without a model file.
#
#   disk_full.sh FIELDFORGE SOURCE_DIR
#
# The small disk is a tmpfs in a private mount namespace (unshare -m), which
# needs root or CAP_SYS_ADMIN; without them the test reports itself skipped
# (exit 77).
set -uo pipefail
fieldforge=$1
source_dir=$2
export FIELDFORGE_THREADS=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! unshare -m true 2>/dev/null; then
  echo "SKIPPED: mounting a small tmpfs needs root or CAP_SYS_ADMIN (unshare -m failed)"
  exit 77
fi

# run_on_small_disk SIZE NAME key=value...: the quickstart on a SIZE tmpfs.
run_on_small_disk() {
  local size=$1 name=$2
  shift 2
  unshare -m bash -c "mount -t tmpfs -o size=$size tmpfs '$work/$name' || exit 99
    '$fieldforge' run '$source_dir/configs/quickstart.yaml' output='$work/$name/run' $* > '$work/$name.log' 2>&1
    echo \$? > '$work/$name.code'
    find '$work/$name/run' -type f > '$work/$name.files'"
}

status=0
check() {  # check NAME EXPECTED_MESSAGE FORBIDDEN_FILE_PATTERN
  local name=$1 message=$2 forbidden=$3 code
  code=$(cat "$work/$name.code")
  if [ "$code" != 1 ]; then echo "$name: exit code $code, expected 1"; status=1; fi
  if ! grep -q "$message" "$work/$name.log"; then
    echo "$name: no '$message' in the output:"; tail -5 "$work/$name.log"; status=1
  fi
  if grep -E "$forbidden" "$work/$name.files"; then echo "$name: the files above should not exist"; status=1; fi
  [ $status -eq 0 ] && echo "$name: $(grep -o 'fieldforge: error.*' "$work/$name.log" | head -1)"
}

mkdir -p "$work/dataset" "$work/checkpoint"
# 500 Burgers samples need about 1.1 MB: on 600 kB the dataset cannot start.
run_on_small_disk 600k dataset stages.data.samples.train=400 stages.data.samples.test=100
check dataset "needs .* MB of disk, .* MB are free" 'burgers\.h5|\.partial|stage\.yaml'
# The datasets fit in 3 MB, the checkpoints do not all fit: training stops
# with no final model (best.pt of an earlier epoch may stay; it is whole).
run_on_small_disk 3m checkpoint stages.data.samples.train=400 stages.data.samples.test=100
check checkpoint "cannot write .*\.pt\.partial: No space left on device" 'model/model\.pt|weights\.h5|\.partial|model/stage\.yaml'
exit $status
