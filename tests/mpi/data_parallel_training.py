#!/usr/bin/env python3
"""Data-parallel training equals serial training: the same case trained on one
rank and under `mpiexec -n 2` (the same total batch, split over the ranks)
gives the same weights, normalizers and history to float32 round-off. The
training split has an odd size, so the last batch leaves one rank empty.

    data_parallel_training.py FIELDFORGE SOURCE_DIR
"""
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np

fieldforge, source = sys.argv[1], Path(sys.argv[2])
os.environ.update(FIELDFORGE_THREADS="1", OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
overrides = ["stages.data.samples.train=21", "stages.data.samples.test=6", "stages.data_512.samples.test=2",
             "stages.model.optim.epochs=4", "stages.model.optim.batch=4"]
work = Path(tempfile.mkdtemp(prefix="ff-dp-"))
os.environ["FIELDFORGE_FFTW_WISDOM"] = str(work / "wisdom")


def run(launcher, out):
    cmd = [*launcher, fieldforge, "run", str(source / "configs/quickstart.yaml"), *overrides, f"output={out}"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stderr


run([], work / "serial")
log = run(["mpiexec", "--oversubscribe", "-n", "2"], work / "ranks")
status = 0
if "data-parallel on 2 ranks, 4 samples per batch in all (2 per rank)" not in log:
    print("FAIL: the 2-rank run did not report data-parallel training")
    status = 1

worst = 0.0
with h5py.File(work / "serial/model/weights.h5") as a, h5py.File(work / "ranks/model/weights.h5") as b:
    names = []
    a.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
    for name in names:
        x, y = np.asarray(a[name], dtype=np.float64), np.asarray(b[name], dtype=np.float64)
        worst = max(worst, float(np.abs(x - y).max() / max(np.abs(x).max(), 1e-30)))
print(f"{len(names)} tensors: worst relative difference 2 ranks vs 1 = {worst:.3g}")
if worst > 1e-4:
    print("FAIL: the weights differ by more than float32 round-off can explain")
    status = 1

serial = np.loadtxt(work / "serial/model/history.csv", delimiter=",", skiprows=1)
ranks = np.loadtxt(work / "ranks/model/history.csv", delimiter=",", skiprows=1)
history = np.inf
if serial.shape == ranks.shape:  # columns epoch, lr, loss, validation: each relative to itself
    history = max(float(np.abs(serial[:, c] - ranks[:, c]).max() / np.abs(serial[:, c]).max()) for c in (1, 2, 3))
print(f"history (lr, loss, validation per epoch): worst relative difference {history:.3g}")
if history > 1e-4:
    print("FAIL: the training histories differ")
    status = 1

logs = sorted(p.name for p in (work / "ranks/logs").iterdir())
if len(logs) != 2 or not any(".rank-1.log" in name for name in logs):
    print(f"FAIL: expected one log file per rank, found {logs}")
    status = 1

if status == 0:
    subprocess.run(["rm", "-rf", str(work)])
sys.exit(status)
