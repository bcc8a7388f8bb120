#!/usr/bin/env bash
# Installs every build, test and post-processing dependency of fieldforge from
# Debian 12 packages. Idempotent: when everything is present it only checks and
# exits within a second, without touching the network.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git clang-format
  libopenmpi-dev openmpi-bin
  libhdf5-openmpi-dev hdf5-tools
  libfftw3-dev libfftw3-mpi-dev
  libeigen3-dev libyaml-cpp-dev libcli11-dev
  libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  petsc-dev
  libtorch-dev
  python3 python3-numpy python3-h5py python3-matplotlib python3-torch
  python3-dolfinx  # FEniCSx, the reference of bench/fem_poisson
  python3-paraview xvfb xauth  # pvpython: the XDMF reader test; scripts/render.py (under xvfb-run)
  libsharp-dev  # libsharp 1.0, the reference of bench/sht
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
