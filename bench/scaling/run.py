#!/usr/bin/env python3
"""Strong and weak scaling on 1 and 2 MPI ranks of the three kinds of parallel
stage: dataset generation (generate.ns2d, sample-parallel), a finite-element
solve (solve.poisson, domain-parallel) and operator training (train.operator,
data-parallel), and the communication volume a training step needs, from
which README.md projects to 64-1024 ranks.

    run.py BUILD_DIR RESULT_JSON [--repeats 3]

Strong scaling keeps the problem and compares 2 ranks with 1:
efficiency T(1) / (2 T(2)). Weak scaling doubles the problem with the ranks:
efficiency T(1) / T(2). Times are the `seconds` each stage's stage.yaml
records (from the stage's start to the barrier after its files are written),
so MPI start-up is left out. One thread per rank (FIELDFORGE_THREADS=1), so 2
ranks use the machine's 2 cores. Training at 2 ranks must also end with the
1-rank weights to float32 round-off (checked, in the JSON).

Headline: the lowest 2-rank efficiency among generation and training (strong
and weak), goal >= 0.9. The repeats run the whole set again; the JSON keeps
every reading and each efficiency's range.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import h5py
import numpy as np

TARGET = 0.9

GENERATION = """case: scaling-generation
output: {out}
seed: 3
stages:
  - name: data
    type: generate.ns2d
    scheme: fno
    grid: {{n: 128}}
    store_n: 64
    dt: 1.0e-4
    nu: 1.0e-3
    final_time: {final_time}
    record_every: {final_time}
    samples: {{train: {samples}, test: 0}}
"""

FEM = """case: scaling-fem
output: {out}
seed: 5
stages:
  - name: darcy
    type: solve.poisson
    mesh: {{dim: 2, cells: [{nx}, {ny}], simplex: true}}
    coefficient: {{kind: grf, n: 128, alpha: 2.0, tau: 3.0, transform: threshold, high: 12.0, low: 3.0}}
    source: 1.0
    petsc: {{ksp_type: cg, pc_type: gamg, rtol: 1.0e-10}}
"""

TRAINING = """case: scaling-training
output: {out}
seed: 7
stages:
  - name: model
    type: train.operator
    data: {data}
    input: inputs/w0
    target: outputs/w
    model: {{kind: fno, modes: [12, 12], width: 32, layers: 4, projection: 128, grid: periodic}}
    optim: {{lr: 1.0e-3, epochs: {epochs}, batch: {batch}}}
    checkpoint_every: 0
"""


def run_case(fieldforge, text, out, ranks, log):
    case = Path(out).with_suffix(".yaml")
    case.write_text(text)
    cmd = [fieldforge, "run", str(case)]
    if ranks > 1:
        cmd = ["mpiexec", "--oversubscribe", "-n", str(ranks), *cmd]
    done = subprocess.run(cmd, capture_output=True, text=True)
    log.write(done.stdout + done.stderr)
    if done.returncode != 0:
        sys.exit(f"scaling: {' '.join(cmd)} failed:\n{done.stderr[-3000:]}")
    seconds = {}
    for manifest in Path(out).glob("*/stage.yaml"):
        m = re.search(r"^seconds: (\S+)$", manifest.read_text(), re.M)
        seconds[manifest.parent.name] = float(m.group(1))
    return seconds, done.stderr


def timer_table(log_text):
    """{label: (calls, seconds)} of the run's "where the time went" table (rank 0)."""
    table = log_text.split("where the time went:", 1)[-1]
    rows = re.findall(r"^(\S.*?)\s{2,}(\d+)\s+(\d+\.\d+)$", table, re.M)
    return {label: (int(calls), float(seconds)) for label, calls, seconds in rows}


def weights(path):
    found = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda n, o: found.__setitem__(n, o[()]) if isinstance(o, h5py.Dataset) else None)
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build")
    parser.add_argument("result")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    fieldforge = str(Path(args.build).resolve() / "bin" / "fieldforge")
    os.environ.update(FIELDFORGE_THREADS="1", OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    work = Path(tempfile.mkdtemp(prefix="ff-scaling-"))
    os.environ["FIELDFORGE_FFTW_WISDOM"] = str(work / "wisdom")
    log = open(work / "runs.log", "w")

    # Training data: 2D Navier-Stokes vorticity, t = 0 -> 0.1 (64^2); only the
    # shapes matter for the training times.
    data_text = GENERATION.format(out=work / "data", final_time=0.1, samples=80)
    run_case(fieldforge, data_text, work / "data", 1, log)
    data = work / "data" / "data" / "ns2d.h5"

    # name: (text for (ranks, problem scale), stage)
    cases = {
        "generation": (lambda scale, out: GENERATION.format(out=out, final_time=1.0, samples=8 * scale), "data"),
        "fem": (lambda scale, out: FEM.format(out=out, nx=512, ny=512 * scale), "darcy"),
        # Weak: twice the batch (the same samples per rank and step) and twice
        # the epochs, so both runs take the same number of steps.
        "training": (lambda scale, out: TRAINING.format(out=out, data=data, epochs=16 * scale, batch=20 * scale),
                     "model"),
    }
    readings = []
    loads = []
    for repeat in range(args.repeats):
        loads.append([round(x, 2) for x in os.getloadavg()])
        for name, (make, stage) in cases.items():
            # (ranks, scale): 1-rank base, strong 2-rank, 1-rank double, weak 2-rank.
            times = {}
            for ranks, scale in [(1, 1), (2, 1), (2, 2)]:
                out = work / f"{name}-{repeat}-r{ranks}-s{scale}"
                seconds, stderr = run_case(fieldforge, make(scale, out), out, ranks, log)
                times[(ranks, scale)] = seconds[stage]
                times[("timers", ranks, scale)] = timer_table(stderr)
            strong = times[(1, 1)] / (2 * times[(2, 1)])
            # Weak: 1 rank on the problem of scale 1 against 2 ranks on scale 2.
            weak = times[(1, 1)] / times[(2, 2)]
            entry = {"repeat": repeat, "case": name, "seconds_1_rank": round(times[(1, 1)], 3),
                     "seconds_2_ranks": round(times[(2, 1)], 3), "seconds_2_ranks_double_problem": round(times[(2, 2)], 3),
                     "strong_efficiency": round(strong, 3), "weak_efficiency": round(weak, 3)}
            if name == "fem":
                entry["timers_1_rank"] = {k: s for k, (_, s) in times[("timers", 1, 1)].items()}
                entry["timers_2_ranks"] = {k: s for k, (_, s) in times[("timers", 2, 1)].items()}
            if name == "training":
                calls, comm = times[("timers", 2, 1)].get("sum gradients over ranks", (0, 0.0))
                entry["gradient_sums_2_ranks"] = {"calls": calls, "seconds": round(comm, 3),
                                                  "share_of_stage": round(comm / times[(2, 1)], 3)}
            readings.append(entry)
            print(json.dumps(entry), flush=True)

    # Same weights on 1 and 2 ranks (the last repeat's strong pair).
    a = weights(work / f"training-{args.repeats - 1}-r1-s1" / "model" / "weights.h5")
    b = weights(work / f"training-{args.repeats - 1}-r2-s1" / "model" / "weights.h5")
    worst = max(float(np.abs(a[k].astype(np.float64) - b[k]).max() / max(np.abs(a[k]).max(), 1e-30)) for k in a)
    # Complex weights are stored as (re, im) pairs: the sizes are the summed floats.
    parameters = sum(int(np.prod(v.shape)) for k, v in a.items() if k.startswith("parameters/"))

    descriptions = {
        "generation": "generate.ns2d, FNO scheme, 128^2 solve, 64^2 stored, t = 1 (10000 steps): 8 samples "
                      "(weak: 16 on 2 ranks)",
        "fem": "solve.poisson, 512 x 512 P1 triangles (weak: 512 x 1024 on 2 ranks), GRF coefficient, CG + GAMG",
        "training": "train.operator FNO-2D 64^2, width 32, 12 modes, 80 training samples, 16 epochs of batch 20 "
                    "(weak: 32 epochs of batch 40 on 2 ranks: the same 64 steps, 20 samples per rank and step)",
    }
    # One case per stage and kind of scaling: our 2-rank time against the
    # 1-rank reference of the same repeat, the efficiency as its ratio.
    result_cases = []
    for name in cases:
        mine = [r for r in readings if r["case"] == name]
        for kind, seconds_key in (("strong", "seconds_2_ranks"), ("weak", "seconds_2_ranks_double_problem")):
            ratios = [r[f"{kind}_efficiency"] for r in mine]
            result_cases.append({
                "stage": name, "scaling": kind, "size": descriptions[name], "ranks": 2,
                "seconds_2_ranks": [r[seconds_key] for r in mine],
                "reference_seconds_1_rank": [r["seconds_1_rank"] for r in mine],
                "ratio": float(np.median(ratios)), "ratio_min": min(ratios), "ratio_max": max(ratios),
                "ratios": ratios,
            })
    headline = min(c["ratio"] for c in result_cases if c["stage"] in ("generation", "training"))
    steps = 16 * (80 // 20)  # epochs x batches per epoch in the strong-scaling training run
    result = {
        "name": "scaling",
        "headline": "lowest 2-rank parallel efficiency (median of the repeats) among generation and training, "
                    "strong and weak",
        "ratio": round(headline, 3),
        "target": TARGET,
        "meets_target": headline >= TARGET,
        "reference": "the same stage on 1 MPI rank (1 thread) in the same run; ratio: parallel efficiency, "
                     "strong T(1) / (2 T(2)), weak T(1) / T(2 ranks, twice the problem)",
        "training_weights_2_ranks_vs_1_max_relative_difference": worst,
        "training_float32_values_summed_per_step": parameters,
        "training_bytes_summed_per_step": 4 * parameters,
        "training_steps": steps,
        "cases": result_cases,
        "timing": "stage seconds from stage.yaml; FIELDFORGE_THREADS=1 per rank; shared FFTW wisdom",
        "cores": os.cpu_count(),
        "load_average_at_repeat_start": loads,
        "readings": readings,
    }
    Path(args.result).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({"ratio": result["ratio"], "meets_target": result["meets_target"],
                      "cases": [(c["stage"], c["scaling"], c["ratio_min"], c["ratio_max"]) for c in result_cases]}))
    subprocess.run(["rm", "-rf", str(work)])


if __name__ == "__main__":
    main()
