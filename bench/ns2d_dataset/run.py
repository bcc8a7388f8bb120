#!/usr/bin/env python3
"""NS 2D time-to-dataset at equal accuracy (the FNO paper's nu = 1e-3 protocol).

Every configuration is a generate.ns2d run of the same samples (same seed,
initial fields drawn on the 256^2 sample grid), stored at 64^2 every time
unit. Its *dataset error* is the relative L2 error of all stored fields of
all samples against a converged run (IFRK4 at CFL 0.1 on 128^2 for nu 1e-3,
192^2 for 1e-4), whose own convergence is shown against IFRK4 at CFL 0.05 on
a finer grid (192^2, 256^2) over --check-time.

  - fno_generator: `scheme: fno` at the generator's settings (256^2, dt 1e-4),
    which reproduces the FNO code's steps (tests/ns2d/fno_reproduction.py);
  - candidates: IFRK4 on coarser grids and larger CFL numbers; the default
    of generate.ns2d is the cheapest one below the generator's error.

Headline: CPU time of the PyTorch reimplementation of the FNO generator
(bench/reference/ns2d_fno_generator.py: batch 20, float32, 1 thread; time
per batch step measured, times the protocol's step count) for N = 20
samples to T, divided by fieldforge's default for the same 20 samples on one
thread (the whole `fieldforge run`, start-up and file included). Also
fieldforge's 2-thread throughput against one thread on --throughput-samples
samples.

    run.py BUILD_DIR RESULT_JSON [--final-time T] [--error-samples N] [--nu NU]

--final-time shortens the trajectories the errors are measured on (the
timings are always for the full T of the protocol). The committed results:
    run.py build bench/results/ns2d_dataset.json --throughput-samples 400
    run.py build bench/results/ns2d_dataset_nu1e-4.json --nu 1e-4 --final-time 10 --throughput-samples 40
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = 50.0

parser = argparse.ArgumentParser()
parser.add_argument("build")
parser.add_argument("result")
parser.add_argument("--final-time", type=float, default=None)
parser.add_argument("--error-samples", type=int, default=2)
parser.add_argument("--nu", type=float, default=1e-3)
parser.add_argument("--repeats", type=int, default=3)
parser.add_argument("--grids", default=None, help="candidate solve grids (default: per nu, below)")
parser.add_argument("--cfls", default="0.5,1.0", help="candidate CFL numbers")
parser.add_argument("--accuracy-only", action="store_true", help="skip the timings (exploring candidates)")
parser.add_argument("--check-time", type=float, default=10.0, help="T of the reference's convergence check")
parser.add_argument("--throughput-samples", type=int, default=400,
                    help="samples of the 1- versus 2-thread throughput runs (enough to hide start-up)")
parser.add_argument("--reuse-errors", default=None,
                    help="take the accuracy part from this earlier result JSON and only time")
parser.add_argument("--candidates-only", action="store_true", help="with --accuracy-only: skip the generator")
args = parser.parse_args()
PROTOCOL_T = {1e-3: 50.0, 1e-4: 30.0, 1e-5: 20.0}[args.nu]
ERROR_T = args.final_time or PROTOCOL_T
FIELDFORGE = os.path.join(args.build, "bin", "fieldforge")
LOAD_AT_START = [round(x, 2) for x in os.getloadavg()]

STAGE = """case: ns2d_dataset
seed: 3
stages:
  - name: data
    type: generate.ns2d
    store_n: 64
    nu: {nu}
    final_time: {T}
    record_every: 1.0
    dtype: {dtype}
    initial: {{alpha: 2.5, tau: 7.0, sigma: 26.19160170741759}}
    samples: {{train: {samples}, test: 0}}
{extra}"""

# Per nu: the converged run, the finer run that checks it, the candidates.
PER_NU = {1e-3: (128, 192, "24,32,48,64"), 1e-4: (192, 256, "64,96,128,192"), 1e-5: (512, 768, "192,256,320,384")}
reference_grid, check_grid, default_grids = PER_NU[args.nu]
REFERENCE = {"grid": reference_grid, "cfl": 0.1}
CHECK = {"grid": check_grid, "cfl": 0.05}
FNO = {"scheme": "fno", "grid": 256, "dt": 1e-4}
CANDIDATES = [{"grid": int(g), "cfl": float(c)} for g in (args.grids or default_grids).split(",")
              for c in args.cfls.split(",")]


def extra_keys(config):
    keys = [f"    grid: {{n: {config['grid']}}}"]
    if config.get("scheme") == "fno":
        keys += ["    scheme: fno", f"    dt: {config['dt']}"]
    elif "cfl" in config:
        keys += [f"    cfl: {config['cfl']}", "    max_cfl: 1.2"]
    return "\n".join(keys) + "\n"


def run(config, work, name, final_time, samples, threads, dtype="float64"):
    """One generate.ns2d run (float64 storage for the error runs, the default
    float32 for the timed ones); its stored fields, seconds and attributes."""
    case = os.path.join(work, name + ".yaml")
    with open(case, "w") as f:
        f.write(STAGE.format(nu=args.nu, T=final_time, samples=samples, dtype=dtype,
                             extra=extra_keys(config) if config else ""))
    env = dict(os.environ, FIELDFORGE_THREADS=str(threads), FIELDFORGE_FFTW_WISDOM=os.path.join(work, "wisdom"))
    start = time.perf_counter()
    done = subprocess.run([FIELDFORGE, "run", case, "--force", f"output={work}/{name}"], env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"ns2d_dataset: {name} failed:\n{done.stdout}{done.stderr}")
    stage_seconds = next(float(line.split()[1]) for line in open(os.path.join(work, name, "data", "stage.yaml"))
                         if line.startswith("seconds:"))
    with h5py.File(os.path.join(work, name, "data", "ns2d.h5"), "r") as h5:
        return h5["outputs/w"][...], (seconds, stage_seconds), dict(h5["outputs/w"].attrs)


def relative_error(w, reference):
    return float(np.linalg.norm(w - reference) / np.linalg.norm(reference))


REFERENCE_TEXT = (f"IFRK4, CFL {REFERENCE['cfl']}, {REFERENCE['grid']}^2; check: CFL {CHECK['cfl']}, "
                  f"{CHECK['grid']}^2 to t = {args.check_time:g}")


def accuracy(work):
    """Dataset errors of the generator, the candidates and the default."""
    reference, _, _ = run(REFERENCE, work, "reference", ERROR_T, args.error_samples, 2)
    errors = {}
    if not args.candidates_only:
        short = round(args.check_time)
        check, _, _ = run(CHECK, work, "check", args.check_time, args.error_samples, 2)
        generator, _, _ = run(FNO, work, "fno_generator", ERROR_T, args.error_samples, 2)
        errors = {f"reference_vs_finer_to_t{short}": relative_error(reference[:, :short], check),
                  "fno_generator": relative_error(generator, reference)}
    candidates = []
    for c in CANDIDATES:
        w, _, attrs = run(c, work, f"n{c['grid']}_cfl{c['cfl']}", ERROR_T, args.error_samples, 2)
        candidates.append(dict(c, dataset_error=relative_error(w, reference)))
    default_w, _, attrs = run(None, work, "default", ERROR_T, args.error_samples, 2)
    errors["default"] = relative_error(default_w, reference)
    return errors, candidates, attrs.get("solve_n"), attrs.get("cfl")


with tempfile.TemporaryDirectory(prefix="ns2d_dataset-") as work:
    if args.reuse_errors:
        earlier = json.load(open(args.reuse_errors))
        errors, candidates = earlier["dataset_errors"], earlier["candidates"]
        default_grid, default_cfl = earlier["default_grid"], earlier["default_cfl"]
        ERROR_T = earlier["error_final_time"]
        REFERENCE_TEXT = earlier["reference_solution"]
    else:
        errors, candidates, default_grid, default_cfl = accuracy(work)
    print(json.dumps({"errors": errors, "candidates": candidates}), file=sys.stderr)
    if args.accuracy_only:
        sys.exit(0)

    # CPU time to the 20 samples of the headline (one thread), then the
    # throughput of one thread against two on enough samples to hide start-up.
    run(None, work, "warm_wisdom", 1.0, 2, 1, "float32")
    timings = {"20_samples_1_thread": [], "throughput_1_thread": [], "throughput_2_threads": [],
               "stage_1_thread": [], "stage_2_threads": []}
    for r in range(args.repeats):
        timings["20_samples_1_thread"].append(run(None, work, "headline", PROTOCOL_T, 20, 1, "float32")[1][0])
        for threads in (1, 2):
            seconds = run(None, work, f"throughput_{threads}", PROTOCOL_T, args.throughput_samples, threads,
                          "float32")[1]
            timings[f"throughput_{threads}_thread{'s' if threads > 1 else ''}"].append(seconds[0])
            timings[f"stage_{threads}_thread{'s' if threads > 1 else ''}"].append(seconds[1])
    print(json.dumps(timings), file=sys.stderr)

steps = round(PROTOCOL_T / 1e-4)
reference_runs = []
for r in range(args.repeats):
    done = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "..", "reference", "ns2d_fno_generator.py"), "time",
                           "256", "20", "10", "2", "1"], capture_output=True, text=True,
                          env=dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1"))
    if done.returncode != 0:
        sys.exit(f"ns2d_dataset: reference failed:\n{done.stderr}")
    reference_runs.append(json.loads(done.stdout.strip().splitlines()[-1])["seconds_per_step"] * steps)

ours = timings["20_samples_1_thread"]
ratios = sorted(r / o for r in reference_runs for o in ours)
median = lambda xs: sorted(xs)[len(xs) // 2]
ratio = median(reference_runs) / median(ours)
speedups = sorted(a / b for a in timings["throughput_1_thread"] for b in timings["throughput_2_threads"])
stage_speedups = sorted(a / b for a in timings["stage_1_thread"] for b in timings["stage_2_threads"])
def dataset_cases(errors, candidates, default_grid, default_cfl, reference_runs, ours, timings, samples):
    """The result's cases: the headline timing, the thread throughput and
    every configuration's dataset error against the generator's."""
    cases = [{"case": "20 samples, 1 thread", "nu": args.nu, "final_time": PROTOCOL_T,
              "solve_grid": default_grid, "cfl": default_cfl,
              "fieldforge_s": median(ours), "fieldforge_s_runs": ours,
              "reference_s": median(reference_runs), "reference_s_runs": reference_runs,
              "ratio": round(median(reference_runs) / median(ours), 2)},
             {"case": "2 threads against 1 (stage time)", "samples": samples,
              "fieldforge_s": median(timings["stage_2_threads"]), "fieldforge_s_runs": timings["stage_2_threads"],
              "reference_s": median(timings["stage_1_thread"]), "reference_s_runs": timings["stage_1_thread"],
              "reference": "fieldforge on 1 thread",
              "ratio": round(median(timings["stage_1_thread"]) / median(timings["stage_2_threads"]), 3)}]
    generator = errors.get("fno_generator")
    for c in candidates:
        case = {"case": "dataset error", "solve_grid": c["grid"], "cfl": c["cfl"], "dataset_error": c["dataset_error"],
                "generator_dataset_error": generator}
        if generator:
            case["ratio"] = round(generator / c["dataset_error"], 2)  # generator's error / ours
        cases.append(case)
    return cases


result = {
    "name": "ns2d_dataset",
    "headline": f"CPU time for 20 samples of the FNO NS protocol (nu {args.nu:g}, T {PROTOCOL_T:g}, 64^2 stored): "
                "FNO generator (PyTorch reimplementation, batch 20, float32, 1 thread) / fieldforge default "
                "(1 thread), at the generator's dataset error or better",
    "reference": "bench/reference/ns2d_fno_generator.py: the FNO paper's generator (neuraloperator "
                 "data_generation/navier_stokes/ns_2d.py) as its code takes the steps, 256^2, dt 1e-4, "
                 "batch 20, float32, torch 1 thread; its time is seconds per batch step x steps",
    "ratio": round(ratio, 2),
    "ratio_range": [round(ratios[0], 2), round(ratios[-1], 2)],
    "target": TARGET,
    "meets_target": ratio >= TARGET,
    "nu": args.nu,
    "protocol_final_time": PROTOCOL_T,
    "error_final_time": ERROR_T,
    "reference_solution": REFERENCE_TEXT,
    "error_samples": args.error_samples,
    "dataset_errors": errors,
    "default_grid": default_grid,
    "default_cfl": default_cfl,
    "candidates": candidates,
    "reference_seconds_20_samples": reference_runs,
    "fieldforge_seconds_20_samples_1_thread": ours,
    "throughput_samples": args.throughput_samples,
    "fieldforge_seconds_throughput_1_thread": timings["throughput_1_thread"],
    "fieldforge_seconds_throughput_2_threads": timings["throughput_2_threads"],
    "two_thread_speedup": round(median(timings["throughput_1_thread"]) / median(timings["throughput_2_threads"]), 3),
    "two_thread_speedup_range": [round(speedups[0], 3), round(speedups[-1], 3)],
    "fieldforge_stage_seconds_throughput_1_thread": timings["stage_1_thread"],
    "fieldforge_stage_seconds_throughput_2_threads": timings["stage_2_threads"],
    "two_thread_speedup_of_the_stage": round(median(timings["stage_1_thread"]) / median(timings["stage_2_threads"]), 3),
    "two_thread_speedup_of_the_stage_range": [round(stage_speedups[0], 3), round(stage_speedups[-1], 3)],
    "two_thread_target": 1.8,
    "cores": os.cpu_count(),
    "load_average_at_start": LOAD_AT_START,
    "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    "cases": dataset_cases(errors, candidates, default_grid, default_cfl, reference_runs, ours, timings,
                           args.throughput_samples),
}
os.makedirs(os.path.dirname(os.path.abspath(args.result)), exist_ok=True)
with open(args.result, "w") as f:
    json.dump(result, f, indent=2)
