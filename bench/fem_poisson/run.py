#!/usr/bin/env python3
"""FEM Poisson benchmark: fieldforge (bench_fem_poisson) against FEniCSx
(bench/reference/fem_poisson_fenicsx.py) on the same P1 problem, mesh and
solver (CG + GAMG, rtol 1e-10), in the same run: assembly time, solve time,
their sum, and the difference between the two solutions matched node by node.
Each code runs ROUNDS times, alternating, and keeps its fastest timings.
fieldforge eliminates the Dirichlet unknowns while FEniCSx keeps them as
identity rows, so the systems differ slightly in size and CG iteration count:
both are recorded, with the time per iteration. Setup (mesh, space, matrix
pattern) is timed too and reported as its own ratio and in an end-to-end one.
2D at 1000^2 cells and 3D at 60^3 cells, on 1 and 2 MPI ranks (strong scaling).
Headline: FEniCSx total / fieldforge total (assembly + solve) in 2D at 1000^2,
one rank. Targets: fieldforge assembly at least as fast (ratio >= 1) and the
total within 1.1x (ratio >= 1/1.1).

    run.py BUILD_DIR RESULT_JSON
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD, RESULT = sys.argv[1], sys.argv[2]
LOAD_AT_START = [round(x, 2) for x in os.getloadavg()]
REPEATS = 3  # inside each process
ROUNDS = 2  # processes per code, alternating
CASES = [(2, 1000), (3, 60)]  # 3D at 100^3 fits (4 GB) but DMPlex mesh setup takes minutes
RANKS = [1, 2]
ENV = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
           OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")


def measure(command, ranks):
    if ranks > 1:
        command = ["mpiexec", "-n", str(ranks)] + command
    done = subprocess.run(command, capture_output=True, text=True, env=ENV)
    if done.returncode != 0:
        sys.exit(f"fem_poisson: {' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    # fieldforge reports PETSc's reason by name, petsc4py by its (positive when converged) number.
    reason = result["reason"]
    if not (reason.startswith("CONVERGED") if isinstance(reason, str) else reason > 0):
        sys.exit(f"fem_poisson: {' '.join(command)} did not converge: {reason}")
    return result


def fastest(runs):
    """One run's record with each timing replaced by its minimum over the runs."""
    best = dict(runs[0])
    for key in ("setup_s", "assembly_s", "solve_s"):
        best[key] = min(run[key] for run in runs)
    return best


def nodal_values(path, dim, n):
    """Solution records (x[, y, z], u) keyed by lattice index."""
    records = np.fromfile(path, dtype=np.float64).reshape(-1, dim + 1)
    index = np.rint(records[:, :dim] * n).astype(np.int64) @ (n + 1) ** np.arange(dim)
    values = np.full((n + 1) ** dim, np.nan)
    values[index] = records[:, dim]
    return values


cases = []
with tempfile.TemporaryDirectory(prefix="fem_poisson-") as tmp:
    for dim, n in CASES:
        for ranks in RANKS:
            # The solutions are compared on one rank, where each process holds all of its own.
            ours_file, theirs_file = os.path.join(tmp, "ours.f64"), os.path.join(tmp, "theirs.f64")
            args = [str(dim), str(n), str(REPEATS)]
            load = [round(x, 2) for x in os.getloadavg()]
            ours_runs, theirs_runs = [], []
            for _ in range(ROUNDS):
                ours_runs.append(measure([os.path.join(BUILD, "bench", "bench_fem_poisson")] + args
                                         + ([ours_file] if ranks == 1 else []), ranks))
                theirs_runs.append(measure(["/usr/bin/python3",
                                            os.path.join(HERE, "..", "reference", "fem_poisson_fenicsx.py")]
                                           + args + ([theirs_file] if ranks == 1 else []), ranks))
            ours, theirs = fastest(ours_runs), fastest(theirs_runs)
            for record in (ours, theirs):
                record["solve_s_per_iteration"] = record["solve_s"] / record["iterations"]
            ours_total = ours["assembly_s"] + ours["solve_s"]
            theirs_total = theirs["assembly_s"] + theirs["solve_s"]
            case = {
                "dim": dim, "cells_per_axis": n, "element": "P1", "ranks": ranks,
                "load_average_at_start": load,
                "fieldforge": ours, "fenicsx": theirs,
                "assembly_ratio": round(theirs["assembly_s"] / ours["assembly_s"], 3),
                "solve_ratio": round(theirs["solve_s"] / ours["solve_s"], 3),
                "solve_per_iteration_ratio": round(theirs["solve_s_per_iteration"] / ours["solve_s_per_iteration"], 3),
                "ratio": round(theirs_total / ours_total, 3),
                "setup_ratio": round(theirs["setup_s"] / ours["setup_s"], 3),
                "end_to_end_ratio": round((theirs["setup_s"] + theirs_total) / (ours["setup_s"] + ours_total), 3),
            }
            if ranks == 1:
                u, v = nodal_values(ours_file, dim, n), nodal_values(theirs_file, dim, n)
                case["max_relative_difference"] = float(np.nanmax(np.abs(u - v)) / np.nanmax(np.abs(v)))
                case["nodes_compared"] = int(np.count_nonzero(~np.isnan(u - v)))
            print(json.dumps(case), file=sys.stderr)
            cases.append(case)

for dim, n in CASES:  # strong scaling: 1-rank time / 2-rank time, per code
    one, two = (next(c for c in cases if (c["dim"], c["ranks"]) == (dim, r)) for r in RANKS)
    for code in ("fieldforge", "fenicsx"):
        total = lambda c: c[code]["assembly_s"] + c[code]["solve_s"]
        two[f"{code}_speedup_over_1_rank"] = round(total(one) / total(two), 3)

headline = next(c for c in cases if c["dim"] == 2 and c["ranks"] == 1)
result = {
    "name": "fem_poisson",
    "headline": "P1 Poisson on the unit square at 1000^2 cells, one rank: FEniCSx (assembly + solve) / "
                "fieldforge (assembly + solve)",
    "ratio": headline["ratio"],
    "assembly_ratio": headline["assembly_ratio"],
    "solve_ratio": headline["solve_ratio"],
    "solve_per_iteration_ratio": headline["solve_per_iteration_ratio"],
    "setup_ratio": headline["setup_ratio"],
    "end_to_end_ratio": headline["end_to_end_ratio"],
    "targets": {"assembly_ratio": 1.0, "ratio": round(1 / 1.1, 3)},
    "meets_targets": headline["assembly_ratio"] >= 1.0 and headline["ratio"] >= 1 / 1.1,
    "cores": os.cpu_count(),
    "load_average_at_start": LOAD_AT_START,  # other work on the machine skews the timings
    "cases": cases,
}
os.makedirs(os.path.dirname(os.path.abspath(RESULT)), exist_ok=True)
with open(RESULT, "w") as f:
    json.dump(result, f, indent=2)
