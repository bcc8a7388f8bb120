#!/usr/bin/env python3
"""NS 2D step benchmark: time per step of fieldforge's NavierStokes2D (FNO data
protocol: nu 1e-3, dt 1e-4, FNO forcing, GRF w0) against the PyTorch reference
bench/reference/ns2d_reference.py, at 256^2 and 1024^2 on 1 and 2 threads, in
the same run, from the same initial field. Every case checks that the two
final fields agree to round-off (fails otherwise) and reports the FFT-bound
ratio: our step time / (FFTs per step x one FFTW transform).
Headline: reference s/step / fieldforge s/step at 256^2, one thread.

    run.py BUILD_DIR RESULT_JSON
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD, RESULT = sys.argv[1], sys.argv[2]
LOAD_AT_START = [round(x, 2) for x in os.getloadavg()]  # 1, 5, 15 min
TARGET = 3.0  # the target: fieldforge at least 3x faster
AGREEMENT = 1e-10  # max|a-b|/max|b| allowed between the two final fields

# (n, timed steps, warm-up steps): each timed run takes about a second or more.
SIZES = [(256, 200, 20), (1024, 20, 3)]
THREADS = [1, 2]


def measure(command, threads):
    env = dict(os.environ, FIELDFORGE_THREADS=str(threads), OMP_NUM_THREADS=str(threads),
               OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS=str(threads))
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        sys.exit(f"ns2d_step: {' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


cases = []
with tempfile.TemporaryDirectory(prefix="ns2d_step-") as tmp:
    for n, steps, warmup in SIZES:
        for threads in THREADS:
            init_file = os.path.join(tmp, f"w0_{n}.f64")
            final_file = os.path.join(tmp, f"w_{n}_{threads}.f64")
            ours = measure([os.path.join(BUILD, "bench", "bench_ns2d_step"), str(n), str(steps), str(warmup),
                            init_file, final_file], threads)
            ref = measure(["/usr/bin/python3", os.path.join(HERE, "..", "reference", "ns2d_reference.py"), str(n),
                           str(steps), str(warmup), str(threads), init_file, final_file], threads)
            case = {
                "grid": f"{n}x{n}", "threads": threads, "steps": steps, "dt": 1e-4, "nu": 1e-3,
                "fieldforge_s_per_step": ours["seconds_per_step"], "torch_s_per_step": ref["seconds_per_step"],
                "ratio": round(ref["seconds_per_step"] / ours["seconds_per_step"], 3),
                "max_relative_difference": ref["max_relative_difference"],
                "fieldforge_s_per_fft": ours["seconds_per_fft"],
                "ffts_per_step": ours["ffts_per_step"],
                "fft_bound_ratio": round(ours["fft_bound_ratio"], 3),
                "fieldforge_threads": ours["threads"], "torch_threads": ref["threads"],
            }
            print(json.dumps(case), file=sys.stderr)
            cases.append(case)

bad = [c for c in cases if not c["max_relative_difference"] < AGREEMENT]
if bad:
    sys.exit("ns2d_step: FAILED: fieldforge and the PyTorch reference disagree (max|a-b|/max|b| >= "
             f"{AGREEMENT:g}) in {[(c['grid'], c['threads'], c['max_relative_difference']) for c in bad]}")

headline = next(c for c in cases if c["grid"] == "256x256" and c["threads"] == 1)
result = {
    "name": "ns2d_step",
    "headline": "NS 2D time per step at 256^2, one thread: PyTorch reference s/step / fieldforge s/step",
    "ratio": headline["ratio"],
    "target": TARGET,
    "meets_target": headline["ratio"] >= TARGET,
    "agreement_tolerance": AGREEMENT,
    "cores": os.cpu_count(),
    "load_average_at_start": LOAD_AT_START,  # other work on the machine skews the timings
    "cases": cases,
}
os.makedirs(os.path.dirname(os.path.abspath(RESULT)), exist_ok=True)
with open(RESULT, "w") as f:
    json.dump(result, f, indent=2)
    f.write("\n")
