#!/usr/bin/env python3
"""NS 2D step benchmark: time per sample-step of the FNO generator's step.

fieldforge: generate.ns2d's `scheme: fno` (bench_ns2d_step, float64, one
sample, FIELDFORGE_THREADS FFTW threads). Reference: the PyTorch
reimplementation of the FNO generator (bench/reference/ns2d_fno_generator.py:
real FFTs as the generator's calls compute them, float32) at batch 1 and at
its own batch of 20, from the
same initial field, at 256^2 and 1024^2 on 1 and 2 threads, in the same run.
Each case checks that the two final fields agree to float32 round-off.
Headline: reference s/sample-step at batch 20 / fieldforge s/step, 256^2, one
thread. This is the same scheme on both sides; the time-to-dataset at equal
accuracy (a different scheme on our side) is bench/ns2d_dataset.

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
AGREEMENT = 1e-4  # max|a-b|/max|b|: float32 round-off over the timed steps

# (n, timed steps, warm-up steps)
SIZES = [(256, 100, 10), (1024, 10, 2)]
THREADS = [1, 2]
BATCHES = [1, 20]


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
            for batch in BATCHES:
                ref = measure(["/usr/bin/python3", os.path.join(HERE, "..", "reference", "ns2d_fno_generator.py"),
                               "compare", str(n), str(batch), str(steps), str(warmup), str(threads), init_file,
                               final_file], threads)
                case = {
                    "grid": f"{n}x{n}", "threads": threads, "reference_batch": batch, "steps": steps,
                    "fieldforge_s_per_step": ours["seconds_per_step"],
                    "fieldforge_s_per_step_runs": ours["seconds_per_step_runs"],
                    "torch_s_per_sample_step": ref["seconds_per_sample_step"],
                    "ratio": round(ref["seconds_per_sample_step"] / ours["seconds_per_step"], 3),
                    "max_relative_difference": ref["max_relative_difference"],
                    "fieldforge_s_per_fft": ours["seconds_per_fft"],
                    "ffts_per_step": ours["ffts_per_step"],
                    "fft_bound_ratio": round(ours["fft_bound_ratio"], 3),
                }
                print(json.dumps(case), file=sys.stderr)
                cases.append(case)

bad = [c for c in cases if not c["max_relative_difference"] < AGREEMENT]
if bad:
    sys.exit(f"ns2d_step: FAILED: the two sides disagree beyond {AGREEMENT:g} in "
             f"{[(c['grid'], c['threads'], c['reference_batch'], c['max_relative_difference']) for c in bad]}")

headline = next(c for c in cases if c["grid"] == "256x256" and c["threads"] == 1 and c["reference_batch"] == 20)
result = {
    "name": "ns2d_step",
    "headline": "the FNO generator's step at 256^2, one thread: PyTorch reference (batch 20, float32) "
                "s/sample-step / fieldforge scheme fno (float64) s/step",
    "reference": "bench/reference/ns2d_fno_generator.py, the FNO generator's scheme as its code does it",
    "ratio": headline["ratio"],
    "agreement_tolerance": AGREEMENT,
    "cores": os.cpu_count(),
    "load_average_at_start": LOAD_AT_START,
    "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    "cases": cases,
}
os.makedirs(os.path.dirname(os.path.abspath(RESULT)), exist_ok=True)
with open(RESULT, "w") as f:
    json.dump(result, f, indent=2)
