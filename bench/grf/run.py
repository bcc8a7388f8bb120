#!/usr/bin/env python3
"""GRF benchmark: fieldforge's sampler against the numpy reference, one thread
each, in the same run. Headline: fieldforge samples/s / numpy samples/s at 256^2.

    run.py BUILD_DIR RESULT_JSON
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD, RESULT = sys.argv[1], sys.argv[2]
ENV = dict(os.environ, FIELDFORGE_THREADS="1", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")


def measure(command):
    out = subprocess.run(command, check=True, capture_output=True, text=True, env=ENV).stdout
    return json.loads(out.strip().splitlines()[-1])


cases = []
for n, min_samples in [(64, 2000), (256, 300), (1024, 20)]:
    ours = measure([os.path.join(BUILD, "bench", "bench_grf"), str(n), str(min_samples), "2"])
    ref = measure(["/usr/bin/python3", os.path.join(HERE, "..", "reference", "grf_reference.py"), str(n), str(min_samples), "2"])
    cases.append({
        "grid": f"{n}x{n}", "threads": 1,
        "fieldforge_samples_per_s": round(ours["rate"], 2), "numpy_samples_per_s": round(ref["rate"], 2),
        "fieldforge_s_per_sample": 1 / ours["rate"], "numpy_s_per_sample": 1 / ref["rate"],
        "ratio": round(ours["rate"] / ref["rate"], 3),
        "fieldforge_variance_ratio": round(ours["variance_ratio"], 4), "numpy_variance_ratio": round(ref["variance_ratio"], 4),
    })

headline = next(c for c in cases if c["grid"] == "256x256")
result = {
    "name": "grf",
    "headline": "GRF samples/s at 256^2, one thread: fieldforge / numpy",
    "ratio": headline["ratio"],
    "cases": cases,
}
os.makedirs(os.path.dirname(RESULT), exist_ok=True)
with open(RESULT, "w") as f:
    json.dump(result, f, indent=2)
    f.write("\n")
