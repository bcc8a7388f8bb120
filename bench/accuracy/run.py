#!/usr/bin/env python3
"""Accuracy of the neural operators under the reduced CPU protocol (the
issue's full protocol needs a GPU): runs each case of bench/accuracy/ and
collects the test errors its evaluate stages wrote.
Headline: target / FNO test relative L2 on Burgers (> 1 meets the target).

    run.py BUILD_DIR RESULT_JSON

Outputs go under runs/ of the repository, or under $FIELDFORGE_RUNS; stages
already run there with the same configuration are reused.
"""
import json
import os
import subprocess
import sys
import time

import h5py

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BUILD, RESULT = sys.argv[1], sys.argv[2]
RUNS = os.environ.get("FIELDFORGE_RUNS", os.path.join(ROOT, "runs"))
# (case file, output folder, [(evaluate stage, model stage, target relative L2)])
CASES = [("burgers_fno.yaml", "burgers_data",
          [("fno_report", "fno", 0.016), ("tfno_report", "tfno", None)])]


def spectral_parameters(weights_file):
    with h5py.File(weights_file) as f:
        return int(sum(d.size for name, d in f["parameters"].items() if name.startswith("spectral_weights")))


cases = []
for case_file, output, reports in CASES:
    started = time.time()
    done = subprocess.run([os.path.join(BUILD, "bin", "fieldforge"), "run", os.path.join(HERE, case_file),
                           f"output={os.path.join(RUNS, output)}"], cwd=ROOT)
    if done.returncode != 0:
        sys.exit(f"accuracy: {case_file} failed ({done.returncode})")
    for report, model, target in reports:
        with h5py.File(os.path.join(RUNS, output, report, "predictions.h5")) as f:
            l2 = float(f["params/relative_l2"].attrs["mean"])
            h1 = float(f["params/relative_h1"].attrs["mean"])
            samples = f["params/relative_l2"].shape[0]
        cases.append({"case": case_file, "model": model, "test_relative_l2": l2, "test_relative_h1": h1,
                      "test_samples": samples,
                      "spectral_parameters": spectral_parameters(os.path.join(RUNS, output, model, "weights.h5")),
                      "target_relative_l2": target, "protocol": "reduced: 100 epochs, CPU",
                      "ratio": round(target / l2, 3) if target else None,
                      "case_wall_s": round(time.time() - started)})
        print(json.dumps(cases[-1]), file=sys.stderr)

fno = next(c for c in cases if c["model"] == "fno")
tfno = next(c for c in cases if c["model"] == "tfno")
result = {
    "name": "accuracy",
    "headline": "Burgers s = 1024, FNO (reduced protocol): target relative L2 0.016 / measured test relative L2",
    "ratio": fno["ratio"],
    "meets_target": fno["ratio"] >= 1,
    "tfno_error_over_fno": round(tfno["test_relative_l2"] / fno["test_relative_l2"], 3),
    "tfno_spectral_parameter_reduction": round(fno["spectral_parameters"] / tfno["spectral_parameters"], 2),
    "cores": os.cpu_count(),
    "cases": cases,
}
os.makedirs(os.path.dirname(os.path.abspath(RESULT)), exist_ok=True)
with open(RESULT, "w") as f:
    json.dump(result, f, indent=2)
