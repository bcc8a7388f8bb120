#!/usr/bin/env python3
"""Accuracy of the neural operators under the reduced CPU protocol (the
issue's full protocol needs a GPU): runs each case of bench/accuracy/ and
collects the test errors its evaluate stages wrote.
Headline: target / FNO test relative L2 on Darcy at s = 85 (> 1 meets the
target of the reduced protocol, 0.02).

    run.py BUILD_DIR RESULT_JSON [CASE ...]

CASE picks cases by file name (default: all); the entries of cases not picked
are kept from an existing RESULT_JSON. Outputs go under runs/ of the
repository, or under $FIELDFORGE_RUNS; stages already run there with the same
configuration are reused.
"""
import json
import os
import subprocess
import sys

import h5py

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BUILD, RESULT = sys.argv[1], sys.argv[2]
RUNS = os.environ.get("FIELDFORGE_RUNS", os.path.join(ROOT, "runs"))
# case file -> (output folder, [(evaluate stage, model stage, label, target relative L2)])
CASES = {
    "darcy_fno.yaml": ("darcy_fno", [("report_85", "model", "fno s=85", 0.02),
                                     ("report_141", "model", "fno s=141 (zero-shot)", None),
                                     ("report_211", "model", "fno s=211 (zero-shot)", None)]),
    "darcy_tfno.yaml": ("darcy_fno", [("report_tfno_85", "model_tfno", "tfno s=85", None),
                                      ("report_tfno_141", "model_tfno", "tfno s=141 (zero-shot)", None),
                                      ("report_tfno_211", "model_tfno", "tfno s=211 (zero-shot)", None)]),
    "burgers_fno.yaml": ("burgers_data", [("fno_report", "fno", "fno", 0.016),
                                          ("tfno_report", "tfno", "tfno", None)]),
}
# TFNO against the FNO trained on the same data by the same protocol (but for
# the TFNO's weight decay, 0, see its case file).
TFNO_PAIRS = {"burgers": (("burgers_fno.yaml", "fno"), ("burgers_fno.yaml", "tfno")),
              "darcy s=85": (("darcy_fno.yaml", "fno s=85"), ("darcy_tfno.yaml", "tfno s=85"))}
chosen = sys.argv[3:] or list(CASES)


def spectral_parameters(weights_file):
    with h5py.File(weights_file) as f:
        return int(sum(d.size for name, d in f["parameters"].items() if name.startswith("spectral_weights")))


def collect(case_file, output, reports):
    found = []
    for report, model, label, target in reports:
        with h5py.File(os.path.join(RUNS, output, report, "predictions.h5")) as f:
            l2 = float(f["params/relative_l2"].attrs["mean"])
            h1 = float(f["params/relative_h1"].attrs["mean"])
            samples = f["params/relative_l2"].shape[0]
        found.append({"case": case_file, "model": label, "test_relative_l2": l2, "test_relative_h1": h1,
                      "test_samples": samples,
                      "spectral_parameters": spectral_parameters(os.path.join(RUNS, output, model, "weights.h5")),
                      "target_relative_l2": target, "protocol": "reduced: 100 epochs, CPU",
                      "ratio": round(target / l2, 3) if target else None})
        print(json.dumps(found[-1]), file=sys.stderr)
    return found


# Entries of the cases not rerun this time stay as they were measured.
cases = []
if os.path.exists(RESULT):
    with open(RESULT) as f:
        cases = [c for c in json.load(f)["cases"] if c["case"] not in chosen]
for case_file in chosen:
    output, reports = CASES[case_file]
    done = subprocess.run([os.path.join(BUILD, "bin", "fieldforge"), "run", os.path.join(HERE, case_file),
                           f"output={os.path.join(RUNS, output)}"], cwd=ROOT)
    if done.returncode != 0:
        sys.exit(f"accuracy: {case_file} failed ({done.returncode})")
    cases += collect(case_file, output, reports)


def find(case_file, label):
    return next((c for c in cases if c["case"] == case_file and c["model"] == label), None)


darcy = find("darcy_fno.yaml", "fno s=85")
result = {
    "name": "accuracy",
    "headline": "Darcy s = 85, FNO (reduced protocol): target relative L2 0.02 / measured test relative L2",
    "ratio": darcy["ratio"] if darcy else None,
    "meets_target": darcy["ratio"] >= 1 if darcy else None,
    "cores": os.cpu_count(),
    "cases": cases,
}
result["tfno_over_fno"] = {}
for data, (fno_entry, tfno_entry) in TFNO_PAIRS.items():
    fno, tfno = find(*fno_entry), find(*tfno_entry)
    if fno and tfno:
        result["tfno_over_fno"][data] = {
            "error_ratio": round(tfno["test_relative_l2"] / fno["test_relative_l2"], 3),
            "spectral_parameter_reduction": round(fno["spectral_parameters"] / tfno["spectral_parameters"], 2)}
os.makedirs(os.path.dirname(os.path.abspath(RESULT)), exist_ok=True)
with open(RESULT, "w") as f:
    json.dump(result, f, indent=2)
