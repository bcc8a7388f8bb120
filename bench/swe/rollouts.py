#!/usr/bin/env python3
"""SFNO against FNO on shallow-water vorticity (issue 29, reduced protocol):
reads the outputs of `fieldforge run configs/swe_sfno.yaml` and compares the
two models' hourly rollouts with the solver: relative L2 error per hour over
24 hours (the 10-hour error is the SFNO paper's metric), and over a 10-day
rollout the error, the total kinetic energy and the largest deviation of the
energy spectrum per degree (swe_rollout_spectra, degrees the stored grid
resolves). Persistence (the initial state held fixed) is the baseline.
Writes bench/results/swe_sfno.json and docs/images/swe_sfno_rollouts.png.
Headline: FNO 10-hour error / SFNO 10-hour error (> 1: the SFNO is better).

    rollouts.py BUILD_DIR RUN_DIR RESULT_JSON
"""
import json
import os
import subprocess
import sys

import h5py
import numpy as np

BUILD, RUN, RESULT = sys.argv[1:4]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIELD = "outputs/vorticity"


def spectra(stage, data_stage):
    command = [os.path.join(BUILD, "bench", "swe_rollout_spectra"), os.path.join(RUN, stage, "predictions.h5"),
               os.path.join(RUN, data_stage, "swe.h5"), FIELD]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"rollouts: {' '.join(command)} failed:\n{done.stderr}")
    return json.loads(done.stdout)


def persistence(data_stage, steps):
    with h5py.File(os.path.join(RUN, data_stage, "swe.h5"), "r") as f:
        test = f["splits/test"][:]
        errors = []
        for s in test:
            w = f[FIELD][s]
            errors.append([np.linalg.norm(w[t] - w[0]) / np.linalg.norm(w[t]) for t in range(1, steps + 1)])
        return [float(e) for e in np.mean(errors, axis=0)]


result = {"name": "swe_sfno", "cases": []}
curves = {}
for label, data_stage in (("24h", "data"), ("10days", "long")):
    for model in ("sfno", "fno"):
        stage = f"{model}_rollout" if label == "24h" else f"{model}_long"
        s = spectra(stage, data_stage)
        curves[(label, model)] = s
        case = {"model": model, "rollout": label, "steps": s["steps"], "samples": s["samples"], "lmax": s["lmax"],
                "relative_l2_at_10h": s["relative_l2_per_step"][9],
                "relative_l2_last": s["relative_l2_per_step"][-1],
                "energy_ratio_last": s["energy_ratio_per_step"][-1],
                "max_spectrum_deviation_last": s["max_spectrum_deviation_per_step"][-1],
                "finite": bool(np.all(np.isfinite(s["relative_l2_per_step"])))}
        result["cases"].append(case)
    curves[(label, "persistence")] = {"relative_l2_per_step": persistence(data_stage, curves[(label, "sfno")]["steps"])}

by = {(c["model"], c["rollout"]): c for c in result["cases"]}
sfno10, fno10 = by[("sfno", "24h")]["relative_l2_at_10h"], by[("fno", "24h")]["relative_l2_at_10h"]
result.update({
    "headline": "shallow-water vorticity, hourly rollout from a test state: FNO relative L2 at 10 h / SFNO's "
                "(configs/swe_sfno.yaml, reduced protocol; > 1: the SFNO is better)",
    "ratio": round(fno10 / sfno10, 3),
    "sfno_relative_l2_10h": sfno10,
    "fno_relative_l2_10h": fno10,
    "persistence_relative_l2_10h": curves[("24h", "persistence")]["relative_l2_per_step"][9],
    "reference": "the T85 spectral solver's own trajectory (truth) and persistence (baseline)",
})
os.makedirs(os.path.dirname(os.path.abspath(RESULT)), exist_ok=True)
with open(RESULT, "w") as f:
    json.dump(result, f, indent=1)

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

fig, axes = plt.subplots(1, 3, figsize=(14, 4), constrained_layout=True)
for ax, label, title in ((axes[0], "24h", "24-hour rollouts (8 test states)"),
                         (axes[1], "10days", "10-day rollouts (2 test states)")):
    for model, style in (("sfno", "-"), ("fno", "--"), ("persistence", ":")):
        errors = curves[(label, model)]["relative_l2_per_step"]
        ax.plot(range(1, len(errors) + 1), errors, style, label=model.upper() if model != "persistence" else model)
    ax.set_xlabel("hours")
    ax.set_ylabel("relative L2 of vorticity")
    ax.set_title(title)
    ax.legend()
ax = axes[2]
s, f = curves[("10days", "sfno")], curves[("10days", "fno")]
degrees = range(1, len(s["spectrum_true_last"]))
ax.loglog(degrees, s["spectrum_true_last"][1:], "k-", label="solver")
ax.loglog(degrees, s["spectrum_pred_last"][1:], "-", label="SFNO")
ax.loglog(degrees, f["spectrum_pred_last"][1:], "--", label="FNO")
ax.set_xlabel("degree l")
ax.set_ylabel("kinetic energy per degree (arbitrary units)")
ax.set_title("energy spectra after 240 hours")
ax.legend()
fig.savefig(os.path.join(ROOT, "docs", "images", "swe_sfno_rollouts.png"), dpi=80)
print(json.dumps({k: v for k, v in result.items() if k != "cases"}, indent=1))
