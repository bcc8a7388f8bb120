#!/usr/bin/env python3
"""Surrogate speed benchmark: the cost of one recorded step of 2D Navier-Stokes
(nu = 1e-3, FNO data protocol, 64^2 output one time unit after the last input)
predicted by the NS FNO-2D (10 previous records in, next record out; width 20,
12 modes, 4 layers; batch 1, torch::NoGradGuard) versus computed by
fieldforge's spectral solver at 256^2 with dt = 1e-4, i.e. 10^4 solver steps,
measured in the same run (bench_surrogate_speed) on 1 and 2 threads.

The solver's time per step is measured over SOLVER_STEPS steps (best of ROUNDS
runs from the same GRF initial field) and scaled to the 10^4 steps of one
record; the step cost does not depend on the state. The FNO's weights are
random (no training needed): a forward pass does the same arithmetic whatever
the weights are.
Headline: solver seconds per record / FNO seconds per prediction, one thread
(the FNO paper reports about 400x, measured on a GPU).

    run.py BUILD_DIR RESULT_JSON
"""
import json
import os
import subprocess
import sys

BUILD, RESULT = sys.argv[1], sys.argv[2]
LOAD_AT_START = [round(x, 2) for x in os.getloadavg()]  # 1, 5, 15 min
THREADS = [1, 2]
SOLVER_STEPS, WARMUP_STEPS, FNO_MIN_SECONDS, ROUNDS = 400, 40, 1.0, 3
PAPER_RATIO = 400
# Every FNO forward pass allocates and frees its activations through glibc
# malloc; where first-touch page faults are expensive (VMs) that is a large
# part of its time. One extra case runs with glibc tunables that keep freed
# memory in the heap (the solver allocates nothing per step).
DEFAULT_ALLOCATOR = "glibc malloc, default settings"
TUNED_GLIBC = "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296:glibc.malloc.top_pad=268435456"
RUNS = [(threads, None) for threads in THREADS] + [(1, TUNED_GLIBC)]


def measure(command, threads, tunables=None):
    env = dict(os.environ, FIELDFORGE_THREADS=str(threads), OMP_NUM_THREADS=str(threads),
               OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS=str(threads))
    env.pop("GLIBC_TUNABLES", None)
    if tunables:
        env["GLIBC_TUNABLES"] = tunables
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        sys.exit(f"surrogate_speed: {' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


cases = []
for threads, tunables in RUNS:
    run = measure([os.path.join(BUILD, "bench", "bench_surrogate_speed"), str(threads), str(SOLVER_STEPS),
                   str(WARMUP_STEPS), str(FNO_MIN_SECONDS), str(ROUNDS)], threads, tunables)
    case = {
        "threads": threads,
        "allocator": f"GLIBC_TUNABLES={tunables}" if tunables else DEFAULT_ALLOCATOR,
        "output": f"{run['store_n']}x{run['store_n']}, one record (1 time unit) ahead",
        "solver_grid": f"{run['solve_n']}x{run['solve_n']}", "nu": run["nu"], "dt": run["dt"],
        "solver_steps_per_record": run["steps_per_record"],
        "solver_timed_steps": run["solver_timed_steps"],
        "solver_s_per_step": run["solver_s_per_step"],
        "solver_s_per_step_runs": run["solver_s_per_step_runs"],
        "solver_s_per_record": round(run["solver_s_per_record"], 4),
        "fno": "FNO-2D, 10 input records + 2 grid channels, width 20, 12 modes, 4 layers, projection 128, batch 1",
        "fno_parameters": run["fno_parameters"],
        "fno_s_per_prediction": run["fno_s_per_prediction"],
        "fno_calls_timed": run["fno_calls"],
        "ratio": round(run["ratio"], 1),
        "fieldforge_threads": run["threads"], "fftw_threads": run["fftw_threads"],
    }
    print(json.dumps(case), file=sys.stderr)
    cases.append(case)

headline = next(c for c in cases if c["threads"] == 1 and c["allocator"] == DEFAULT_ALLOCATOR)
result = {
    "name": "surrogate_speed",
    "headline": "one NS 2D recorded step (nu 1e-3, 64^2 output), one thread: spectral solver at 256^2 "
                "(10^4 steps of dt 1e-4) seconds / FNO-2D forward seconds",
    "ratio": headline["ratio"],
    "paper_ratio": PAPER_RATIO,
    "tuned_allocator_ratio": next(c["ratio"] for c in cases if c["allocator"] != DEFAULT_ALLOCATOR),
    "notes": [
        f"solver time per record = best time per step over {SOLVER_STEPS} timed steps (best of {ROUNDS} runs, "
        f"after {WARMUP_STEPS} warm-up steps) x 10^4 steps; not a full 10^4-step run",
        "FNO weights are random: inference time does not depend on their values",
        f"FNO: forward passes repeated for at least {FNO_MIN_SECONDS} s per round, best of {ROUNDS} rounds, "
        "after 10 warm-up passes; torch::NoGradGuard, eval mode, float32",
        "both on this machine's CPU, in one process; the FNO paper's figure (0.005 s per FNO prediction against "
        "2.2 s for its pseudo-spectral solver, about 400x) was measured on a GPU",
    ],
    "cores": os.cpu_count(),
    "load_average_at_start": LOAD_AT_START,  # other work on the machine skews the timings
    "cases": cases,
}
os.makedirs(os.path.dirname(os.path.abspath(RESULT)), exist_ok=True)
with open(RESULT, "w") as f:
    json.dump(result, f, indent=2)
    f.write("\n")
