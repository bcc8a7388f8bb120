#!/usr/bin/env python3
"""Dataset-generation scaling benchmark: samples per second of generate.ns2d
(the first stage of configs/ns2d_data.yaml, nu = 1e-3 at the protocol's 256^2
solve grid, shortened in time) under `mpiexec -n 1` and `mpiexec -n 2`, one
FFTW thread per rank. Headline: parallel efficiency rate(2) / (2 rate(1)),
target >= 0.9. Also checks that both runs wrote the same datasets (samples
are seeded per index, so the rank count must not change them).

    run.py BUILD_DIR RESULT_JSON

Only that stage runs: its block of configs/ns2d_data.yaml is copied into a
one-stage case file in a temporary folder and shrunk with command-line
overrides. The stage's time is the `seconds` that the pipeline writes to the
stage's stage.yaml (rank 0, from stage start to the barrier after the file is
committed), so MPI start-up and case loading are left out; the process wall
times are recorded too. Both runs read FFTW plans from one shared wisdom file
written by a tiny pre-warming run, so neither pays for planning.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
BUILD, RESULT = sys.argv[1], sys.argv[2]
LOAD_AT_START = [round(x, 2) for x in os.getloadavg()]  # 1, 5, 15 min
FIELDFORGE = os.path.join(os.path.abspath(BUILD), "bin", "fieldforge")
CONFIG = os.path.join(ROOT, "configs", "ns2d_data.yaml")
STAGE = "nu1e-3"
TARGET = 0.9
RANKS = [1, 2]

# About 25 s for the serial run on one core: 8 samples of 1500 steps of the
# FNO generator's scheme at 256^2 (a fixed amount of work per sample).
SAMPLES = 8  # divisible by every rank count, so the ranks get equal shares
SIZE = {"scheme": "fno", "dt": 1e-4, "grid.n": 256, "store_n": 64, "final_time": 0.15, "record_every": 0.05,
        "samples.train": SAMPLES, "samples.test": 0}
TINY = {"scheme": "fno", "dt": 1e-4, "grid.n": 256, "store_n": 64, "final_time": 0.0002, "record_every": 0.0001,
        "samples.train": 1, "samples.test": 0}


def one_stage_case(path):
    """configs/ns2d_data.yaml with only the stage STAGE kept."""
    text = open(CONFIG).read()
    head, sep, body = text.partition("\nstages:\n")
    if not sep:
        sys.exit(f"dataset_scaling: no 'stages:' list in {CONFIG}")
    blocks = re.split(r"(?m)^(?=  - name: )", body)
    mine = [b for b in blocks if re.match(rf"  - name: {re.escape(STAGE)}\s*$", b.splitlines()[0] if b else "")]
    if len(mine) != 1 or "type: generate.ns2d" not in mine[0]:
        sys.exit(f"dataset_scaling: no generate.ns2d stage '{STAGE}' in {CONFIG}")
    with open(path, "w") as f:
        f.write(head + sep + mine[0].rstrip("\n") + "\n")


def run(ranks, case, output, sizes, env):
    overrides = [f"stages.{STAGE}.{k}={v}" for k, v in sizes.items()]
    command = ["mpiexec", "-n", str(ranks), FIELDFORGE, "run", case, *overrides, f"output={output}", "--force"]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"dataset_scaling: {' '.join(command)} failed ({done.returncode}):\n{done.stdout[-4000:]}"
                 f"{done.stderr[-4000:]}")
    manifest = open(os.path.join(output, STAGE, "stage.yaml")).read()
    seconds = re.search(r"(?m)^seconds:\s*([0-9.eE+-]+)\s*$", manifest)
    if not seconds:
        sys.exit(f"dataset_scaling: no 'seconds' in {output}/{STAGE}/stage.yaml:\n{manifest}")
    return float(seconds.group(1)), wall


def datasets(path):
    found = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: found.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return found


def same_datasets(a, b):
    """True when both files hold the same datasets, bit for bit (attributes,
    which include the case text with its output folder, are not compared)."""
    da, db = datasets(a), datasets(b)
    if da.keys() != db.keys():
        return False, sorted(set(da) ^ set(db))
    differ = [k for k in da if not (da[k].dtype == db[k].dtype and da[k].shape == db[k].shape
                                    and np.array_equal(da[k], db[k], equal_nan=True))]
    return not differ, differ


with tempfile.TemporaryDirectory(prefix="dataset_scaling-") as tmp:
    case = os.path.join(tmp, "ns2d_scaling.yaml")
    one_stage_case(case)
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", FIELDFORGE_THREADS="1",
               OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", FIELDFORGE_FFTW_WISDOM=os.path.join(tmp, "fftw_wisdom"))
    run(1, case, os.path.join(tmp, "prewarm"), TINY, env)  # plans the FFTs once, into the wisdom file

    cases = []
    for ranks in RANKS:
        output = os.path.join(tmp, f"n{ranks}")
        seconds, wall = run(ranks, case, output, SIZE, env)
        cases.append({
            "ranks": ranks, "samples": SAMPLES, "grid": f"{SIZE['grid.n']}x{SIZE['grid.n']}",
            "steps_per_sample": round(SIZE["final_time"] / 1e-4), "stage_seconds": round(seconds, 3),
            "process_wall_seconds": round(wall, 3), "samples_per_s": SAMPLES / seconds,
            "output": os.path.join(output, STAGE, "ns2d.h5"),
        })
    identical, differing = same_datasets(cases[0]["output"], cases[1]["output"])
    for c in cases:
        del c["output"]

serial, parallel = cases
efficiency = parallel["samples_per_s"] / (2 * serial["samples_per_s"])
parallel["efficiency"] = round(efficiency, 3)
parallel["ratio"] = round(efficiency, 3)
parallel["speedup"] = round(parallel["samples_per_s"] / serial["samples_per_s"], 3)
serial["efficiency"] = serial["ratio"] = serial["speedup"] = 1.0
parallel["efficiency_from_process_wall"] = round(serial["process_wall_seconds"] / (2 * parallel["process_wall_seconds"]), 3)
for c in cases:
    c["samples_per_s"] = round(c["samples_per_s"], 4)

result = {
    "name": "dataset_scaling",
    "headline": "generate.ns2d samples/s, mpiexec -n 2 vs -n 1: parallel efficiency rate(2) / (2 rate(1))",
    "ratio": round(efficiency, 3),
    "target": TARGET,
    "meets_target": efficiency >= TARGET,
    "identical": identical,
    "cores": os.cpu_count(),
    "load_average_at_start": LOAD_AT_START,  # other work on the machine skews the timings
    "stage": f"{os.path.relpath(CONFIG, ROOT)} stage {STAGE}, overrides {SIZE}",
    "timing": "stage seconds from <output>/<stage>/stage.yaml (MPI start-up excluded); FIELDFORGE_THREADS=1, "
              "shared FFTW wisdom",
    "cases": cases,
}
if not identical:
    result["differing_datasets"] = differing
os.makedirs(os.path.dirname(os.path.abspath(RESULT)), exist_ok=True)
with open(RESULT, "w") as f:
    json.dump(result, f, indent=2)
    f.write("\n")
if not identical:
    sys.exit(f"dataset_scaling: FAILED: the -n 1 and -n 2 datasets differ in {differing}")
