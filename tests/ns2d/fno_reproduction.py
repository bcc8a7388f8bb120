#!/usr/bin/env python3
"""generate.ns2d with `scheme: fno` takes the FNO generator's steps, checked
against the PyTorch reimplementation of that generator
(bench/reference/ns2d_fno_generator.py) from the same initial vorticity after
one time unit:
  - with the generator's float32 state: within its float32 round-off
    (relative L2 <= 2e-5; measured about 9e-6 here, 7e-5 at the protocol's
    256^2 and 10^4 steps);
  - with the same float32 constants as the generator and a float64 state:
    relative L2 <= 2e-7 (measured 7e-8), what its float32 forcing, 2 pi k and
    |2 pi k|^2 leave (fieldforge takes only its float32 Crank-Nicolson
    factors, without which the difference would be 3e-5).

    fno_reproduction.py FIELDFORGE SOURCE_DIR N DT
"""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import torch

fieldforge, source, n, dt = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
sys.path.insert(0, os.path.join(source, "bench", "reference"))
import ns2d_fno_generator as generator  # noqa: E402

TOLERANCE = {"float32": 2e-5, "float64": 2e-7}
CASE = f"""case: fno_reproduction
seed: 5
stages:
  - name: data
    type: generate.ns2d
    scheme: fno
    grid: {{n: {n}}}
    store_n: {n}
    sample_grid: {n}
    nu: 1.0e-3
    dt: {dt}
    final_time: 1.0
    record_every: 1.0
    dtype: float64
    initial: {{alpha: 2.5, tau: 7.0, sigma: 26.19160170741759}}
    samples: {{train: 2, test: 0}}
"""

with tempfile.TemporaryDirectory(prefix="fno_reproduction-") as work:
    case = os.path.join(work, "case.yaml")
    with open(case, "w") as f:
        f.write(CASE)
    done = subprocess.run([fieldforge, "run", case, f"output={work}/run"], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"fieldforge failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    with h5py.File(os.path.join(work, "run", "data", "ns2d.h5"), "r") as h5:
        w0 = h5["inputs/w0"][...]
        ours = h5["outputs/w"][:, -1]

torch.set_num_threads(1)
failed = []
for state in ("float32", "float64"):
    w = torch.from_numpy(w0).to(getattr(torch, state))
    solution, times = generator.navier_stokes_2d(w, generator.fno_forcing(n), 1e-3, 1.0, dt, 1)
    reference = solution[..., -1].double().numpy()
    for s in range(len(w0)):
        difference = np.linalg.norm(ours[s] - reference[s]) / np.linalg.norm(reference[s])
        print(f"{state} state, sample {s}: relative L2 difference at t = {times[-1].item():.4f}: {difference:.3e}"
              f" (tolerance {TOLERANCE[state]:g})")
        if not difference <= TOLERANCE[state]:
            failed.append(state)
if failed:
    sys.exit(f"FAILED: {sorted(set(failed))}")
print("ok")
