#!/usr/bin/env python3
"""Shallow-water verification at full size (issue 29), one thread:

- Williamson test 2 (steady zonal geostrophic flow) at T85, dt 200 s, 5 days,
  for the four rotation angles of the test: normalized l1/l2/linf height
  errors against the exact solution, mass and energy drift.
- Williamson test 6 (Rossby-Haurwitz wave 4) at T85, dt 90 s, day 14,
  against a run at T171 with dt 45 s truncated to T85.
- Galewsky et al. barotropic instability at T85, dt 120 s, day 6, with
  del^8 hyperdiffusion (e-folding 3 h at lmax), against T171 with dt 60 s;
  the vorticity of both goes into docs/images/galewsky_vorticity_day6.png.

Headline: 1e-12 / Williamson 2 normalized l2 error at alpha = 0.05
(>= 1: the steady state holds to round-off).

    run.py BUILD_DIR RESULT_JSON
"""
import json
import math
import os
import subprocess
import sys
import tempfile

BUILD, RESULT = sys.argv[1], sys.argv[2]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOAD_AT_START = [round(x, 2) for x in os.getloadavg()]
ENV = dict(os.environ, OMP_NUM_THREADS="1", FIELDFORGE_THREADS="1")
BINARY = os.path.join(BUILD, "bench", "bench_swe")


def case(*args):
    command = [BINARY] + [str(a) for a in args]
    done = subprocess.run(command, capture_output=True, text=True, env=ENV)
    if done.returncode != 0:
        sys.exit(f"swe: {' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["load_average"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result), file=sys.stderr)
    return result


cases = []
for alpha in (0.0, 0.05, math.pi / 2 - 0.05, math.pi / 2):
    cases.append(case("williamson2", 85, 200, 5, alpha))
cases.append(case("rossby_haurwitz", 85, 90, 14))
with tempfile.TemporaryDirectory() as tmp:
    prefix = os.path.join(tmp, "galewsky")
    cases.append(case("galewsky", 85, 120, 6, 3, prefix))
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    fig, axes = plt.subplots(2, 1, figsize=(9, 6.5), constrained_layout=True)
    for ax, label in zip(axes, ("coarse", "fine")):
        zeta = np.load(f"{prefix}_{label}.npy")
        nlat, nlon = zeta.shape
        # Gauss latitudes are not equispaced; the picture shows the northern
        # half on its grid index, which is within 1% of equispaced there.
        north = zeta[: nlat // 2]
        image = ax.imshow(north * 1e5, extent=[0, 360, 0, 90], aspect="auto", cmap="RdBu_r", vmin=-15, vmax=15)
        c = cases[-1][label]
        ax.set_title(f"Galewsky jet, relative vorticity at day 6: T{c['lmax']} ({nlat}x{nlon} Gauss), dt {c['dt_s']:g} s")
        ax.set_ylabel("latitude (deg)")
    axes[-1].set_xlabel("longitude (deg)")
    fig.colorbar(image, ax=axes, label="1e-5 / s")
    os.makedirs(os.path.join(ROOT, "docs", "images"), exist_ok=True)
    fig.savefig(os.path.join(ROOT, "docs", "images", "galewsky_vorticity_day6.png"), dpi=90)

williamson = cases[1]
result = {
    "name": "swe",
    "headline": "Williamson test 2 at T85 (alpha 0.05, dt 200 s, 5 days): 1e-12 / normalized l2 height error "
                "(>= 1: the exact steady state holds to round-off)",
    "ratio": round(1e-12 / williamson["l2"], 2),
    "reference": "exact solution (test 2); the same solver at T171 with half the step (tests 6 and Galewsky)",
    "cores": os.cpu_count(),
    "threads": 1,
    "load_average_at_start": LOAD_AT_START,
    "cases": cases,
}
os.makedirs(os.path.dirname(os.path.abspath(RESULT)), exist_ok=True)
with open(RESULT, "w") as f:
    json.dump(result, f, indent=1)
