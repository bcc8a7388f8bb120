#!/usr/bin/env python3
"""Factorized attention against full softmax attention: time and peak memory
of one forward + backward of one attention layer (dim 128, 8 heads of 64, the
FactFormer paper's 2D sizes; batch 1) at 32^2, 64^2, 128^2, 256^2 and 32^3.

The reference is full multi-head softmax attention over all grid points with
the same dim and heads (bench_attention full: three projections,
softmax(QK^T/sqrt(d)) V, output projection, as PyTorch users write it), and,
where the LibTorch has it (2.x), torch's fused scaled_dot_product_attention
(bench_attention fused). Headline: full time / factorized time at 64^2.

Each (case, mode) runs in a fresh process under an address-space limit equal
to the memory available when the benchmark starts, so a mode that does not
fit fails with "oom" instead of swapping; the smallest such case is reported.
Modes alternate REPEATS times per case (fresh processes), so load from other
work hits both alike; each process times REPEATS_IN_PROCESS forward + backward
passes after a warm-up and reports the median; a case's figure is the best of
its processes, its range the spread. Both sides use the same BLAS: OpenBLAS
when installed (one thread), else the system's.

    run.py BUILD_DIR RESULT_JSON
"""
import json
import math
import os
import resource
import subprocess
import sys

BUILD, RESULT = sys.argv[1], sys.argv[2]
LOAD_AT_START = [round(x, 2) for x in os.getloadavg()]
OPENBLAS = "/usr/lib/x86_64-linux-gnu/openblas-pthread"
DIM, HEADS, DIM_HEAD, BATCH = 128, 8, 64, 1
CASES = [[32, 32], [64, 64], [128, 128], [32, 32, 32], [256, 256]]  # growing point counts
MODES = ["factorized", "full", "fused"]
REPEATS, REPEATS_IN_PROCESS = 3, 3
TIMEOUT_S = 900


def available_bytes():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    return 8 << 30


LIMIT = available_bytes()


def environment():
    env = dict(os.environ, FIELDFORGE_THREADS="1", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    if os.path.isdir(OPENBLAS):
        env["LD_LIBRARY_PATH"] = OPENBLAS + ":" + env.get("LD_LIBRARY_PATH", "")
    return env


def run(mode, grid):
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))

    command = [os.path.join(BUILD, "bench", "bench_attention"), mode, str(BATCH), str(DIM), str(HEADS),
               str(DIM_HEAD), str(REPEATS_IN_PROCESS)] + [str(n) for n in grid]
    try:
        done = subprocess.run(command, env=environment(), preexec_fn=limit, capture_output=True, text=True,
                              timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return {"mode": mode, "timeout_s": TIMEOUT_S}
    lines = [l for l in done.stdout.splitlines() if l.startswith("{")]
    if lines:
        return json.loads(lines[-1])
    # A failed allocation that escaped the layer (abort, kill) is out of memory as well.
    return {"mode": mode, "oom": True, "exit": done.returncode, "stderr": done.stderr[-300:]}


def main():
    cases, oom_at = [], {}
    for grid in CASES:
        label = "x".join(str(n) for n in grid)
        runs = {m: [] for m in MODES}
        for _ in range(REPEATS):
            for mode in MODES:
                if mode in oom_at:  # cases come in growing point counts: the rest cannot fit either
                    continue
                result = run(mode, grid)
                runs[mode].append(result)
                if result.get("oom"):
                    oom_at.setdefault(mode, label)
        case = {"grid": grid, "points": math.prod(grid)}
        for mode in MODES:
            timed = [r for r in runs[mode] if "median_s" in r]
            if timed:
                case[mode] = {"seconds": min(r["median_s"] for r in timed),
                              "seconds_range": [min(r["median_s"] for r in timed), max(r["median_s"] for r in timed)],
                              "peak_mib": max(r["peak_mib"] for r in timed), "processes": len(timed)}
            elif runs[mode]:
                case[mode] = runs[mode][-1]
            else:
                case[mode] = {"skipped": f"out of memory at {oom_at.get(mode)} already"}
        if "seconds" in case.get("factorized", {}) and "seconds" in case.get("full", {}):
            case["ratio"] = case["full"]["seconds"] / case["factorized"]["seconds"]
            case["ratio_range"] = [case["full"]["seconds_range"][0] / case["factorized"]["seconds_range"][1],
                                   case["full"]["seconds_range"][1] / case["factorized"]["seconds_range"][0]]
            case["memory_ratio"] = case["full"]["peak_mib"] / max(case["factorized"]["peak_mib"], 1e-3)
        if "seconds" in case.get("fused", {}) and "seconds" in case.get("factorized", {}):
            case["fused_ratio"] = case["fused"]["seconds"] / case["factorized"]["seconds"]
        print(json.dumps(case), flush=True)
        cases.append(case)

    headline = next(c for c in cases if c["grid"] == [64, 64])
    result = {
        "name": "attention",
        "headline": "full softmax attention time / factorized attention time, one forward + backward at 64^2 "
                    f"(dim {DIM}, {HEADS} heads of {DIM_HEAD}, batch {BATCH})",
        "ratio": headline.get("ratio"),
        "reference": "full multi-head softmax attention over all grid points, same dim and heads (LibTorch, "
                     "softmax(QK^T/sqrt(d))V); torch's fused scaled_dot_product_attention where LibTorch >= 2",
        "blas": "OpenBLAS (1 thread)" if os.path.isdir(OPENBLAS) else "system BLAS",
        "threads": 1,
        "memory_limit_gib": round(LIMIT / 2**30, 1),
        "full_attention_out_of_memory_at": oom_at.get("full"),
        "fused_attention_out_of_memory_at": oom_at.get("fused"),
        "load_at_start": LOAD_AT_START,
        "load_at_end": [round(x, 2) for x in os.getloadavg()],
        "cases": cases,
    }
    with open(RESULT, "w") as f:
        json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
