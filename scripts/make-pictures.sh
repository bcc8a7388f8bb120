#!/usr/bin/env bash
# Remakes the pictures README.md shows (docs/images/) from the example
# configs: the Darcy problem of configs/poisson.yaml and the beam of
# configs/elasticity.yaml as they are, one Navier–Stokes trajectory of each
# of configs/ns2d_data.yaml (ν = 1e-4) and configs/ns3d_data.yaml (forced)
# with the sample counts cut to one. About five minutes on 2 cores.
#   scripts/make-pictures.sh [build/bin/fieldforge]
set -euo pipefail
cd "$(dirname "$0")/.."
fieldforge=${1:-build/bin/fieldforge}
runs=$(mktemp -d)
trap 'rm -rf "$runs"' EXIT
images=docs/images
mkdir -p "$images"

one_sample() { echo "stages.$1.samples.train=1" "stages.$1.samples.test=0"; }

"$fieldforge" run configs/poisson.yaml output="$runs/poisson"
"$fieldforge" run configs/elasticity.yaml output="$runs/elasticity"
"$fieldforge" run configs/ns2d_data.yaml output="$runs/ns2d" $(one_sample nu1e-4) \
  $(one_sample nu1e-3) stages.nu1e-3.final_time=1 $(one_sample nu1e-5) stages.nu1e-5.final_time=1 \
  stages.nu1e-4.grid.n=128 stages.nu1e-4.store_n=128 stages.nu1e-4.final_time=10
"$fieldforge" run configs/ns3d_data.yaml output="$runs/ns3d" $(one_sample forced) \
  $(one_sample decaying) stages.decaying.final_time=0.1

render() { pvpython scripts/render.py "$@"; }
render "$runs/poisson/darcy/poisson.xdmf" --field a --title "Darcy coefficient a (configs/poisson.yaml)" -o "$images/darcy_a.png"
render "$runs/poisson/darcy/poisson.xdmf" --field u --title "Darcy pressure u" -o "$images/darcy_u.png"
render "$runs/ns2d/nu1e-4/ns2d.xdmf" --field w --step last --title "vorticity, nu = 1e-4, t = 10 (128^2)" \
  -o "$images/ns2d_vorticity.png"
render "$runs/ns3d/forced/ns3d.xdmf" --field omega --step last --title "|vorticity| isosurfaces, forced 3D turbulence" \
  -o "$images/ns3d_vorticity.png"
render "$runs/elasticity/beam/elasticity.xdmf" --field u --style warp --title "cantilever displacement (warped)" \
  -o "$images/elasticity_warp.png"
