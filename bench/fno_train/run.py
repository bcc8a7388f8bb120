#!/usr/bin/env python3
"""FNO training benchmark: training samples/s of fieldforge's FNO and TFNO
(bench_fno_train, set up as `fieldforge run` sets up a training stage)
against the PyTorch reference of the same architecture,
bench/reference/fno_reference.py, in the same run, on the same CPU threads.

Cases: FNO-2D at 64^2 (width 32, 12 modes per axis), TFNO-2D at 64^2 (the same
with a joint Tucker factorization keeping 10 % of the spectral parameters) and
the FNO paper's Burgers FNO-1D at 1024 points (width 64, 16 modes); 4 Fourier
layers, projection 128, batch 20, float32, Adam lr 1e-3, relative L2 loss; one
iteration = zero_grad + forward + loss + backward + optimizer step on a fixed
random batch; 1 and 2 threads.

fieldforge runs as users get it: the system's BLAS, and the allocator
settings the training stages make themselves. PyTorch runs in three
configurations: as installed (glibc malloc defaults, the system BLAS), with
the glibc tunables equal to fieldforge's settings, with tunables that keep
all freed memory (no mmap, trim above 4 GB), and with those plus OpenBLAS;
each case's ratio is against the best of the four (the best-configured
PyTorch), and the JSON keeps all of them. The reference
starts from fieldforge's exported weights and batch; every case fails unless
both have the same parameter count and the reference's output and gradients
match fieldforge's to float32 round-off.

Sides alternate REPEATS times per case (fresh processes), so load from other
work hits both alike; each run warms up, then runs ROUNDS rounds of at least
MIN_SECONDS; each side's best round counts. Then each case is profiled once at
one thread (bench_fno_train --profile) and its time split into phases, with
the FLOPs of each phase counted from the model's shape, beside a measured
float32 GEMM peak of one core (OpenBLAS sgemm).

    run.py BUILD_DIR RESULT_JSON [--keep-earlier]

With --keep-earlier the runs already in RESULT_JSON are kept (their per-case
figures, time and load) and the result gives each case's range over all runs.
"""
import json
import math
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD, RESULT = sys.argv[1], sys.argv[2]
KEEP_EARLIER = "--keep-earlier" in sys.argv[3:]
LOAD_AT_START = [round(x, 2) for x in os.getloadavg()]  # 1, 5, 15 min
HEADLINE_TARGET, CASE_TARGET, SCALING_TARGET = 1.5, 1.2, 1.8  # the goals
AGREEMENT = 1e-4  # max|a-b|/max|b| allowed between the two outputs, and between gradients (float32)
OPENBLAS = "/usr/lib/x86_64-linux-gnu/openblas-pthread"

CASES = [  # (label, dim, n, width, modes, tucker rank or None)
    ("FNO-2D", 2, 64, 32, 12, None),
    ("TFNO-2D", 2, 64, 32, 12, 0.1),
    ("FNO-1D Burgers", 1, 1024, 64, 16, None),
]
THREADS = [1, 2]
# glibc tunables equal to keep_freed_memory_for_reuse (operators/training/device.cpp).
TUNED_GLIBC = "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824:glibc.malloc.top_pad=268435456"
# The Python process holds more heap than ours, and gains from keeping more
# of it: no mmap at all and trimming only above 4 GB.
GENEROUS_GLIBC = "glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4294967296:glibc.malloc.top_pad=268435456"
REFERENCE_CONFIGS = [  # (name, GLIBC_TUNABLES, LD_LIBRARY_PATH)
    ("as installed", None, None),
    ("fieldforge's malloc settings", TUNED_GLIBC, None),
    ("malloc keeping all freed memory", GENEROUS_GLIBC, None),
    ("malloc keeping all freed memory + OpenBLAS", GENEROUS_GLIBC, OPENBLAS),
]
BATCH, WARMUP, MIN_SECONDS, ROUNDS, REPEATS = 20, 5, 2.0, 2, 2
PROJECTION, LAYERS = 128, 4


def measure(command, threads, tunables=None, library_path=None):
    env = dict(os.environ, FIELDFORGE_THREADS=str(threads), OMP_NUM_THREADS=str(threads),
               OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS=str(threads))
    for key in ("GLIBC_TUNABLES", "LD_LIBRARY_PATH"):
        env.pop(key, None)
    if tunables:
        env["GLIBC_TUNABLES"] = tunables
    if library_path:
        env["LD_LIBRARY_PATH"] = library_path
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        sys.exit(f"fno_train: {' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def gemm_peak():
    """Float32 GEMM GFLOP/s of one core: OpenBLAS sgemm, 2048^3, best of 5."""
    code = ("import numpy as np, time\n"
            "a = np.random.rand(2048, 2048).astype(np.float32); b = a.copy(); a @ b\n"
            "best = min((lambda t: (a @ b, time.perf_counter() - t)[1])(time.perf_counter()) for _ in range(5))\n"
            "print(2 * 2048**3 / best / 1e9)\n")
    env = dict(os.environ, LD_LIBRARY_PATH=OPENBLAS, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    return round(float(subprocess.run(["/usr/bin/python3", "-c", code], capture_output=True, text=True, env=env,
                                       check=True).stdout), 1)


def tucker_ranks(extents, fraction):
    """The ranks TuckerSpectralWeights picks (operators/layers/factorized_weights.cpp)."""
    def ranks_at(s):
        return [min(max(round(s * e), 1), e) for e in extents]

    def size(r):
        return math.prod(r) + sum(e * k for e, k in zip(extents, r))
    low, high = 0.0, 1.0
    for _ in range(60):
        mid = 0.5 * (low + high)
        if size(ranks_at(mid)) <= fraction * math.prod(extents):
            low = mid
        else:
            high = mid
    return ranks_at(low)


def flops(dim, n, width, modes, tucker):
    """FLOPs of one training iteration per phase, forward and backward.
    Pointwise (1x1) maps 2 per multiply-add, their backward twice the forward
    (input and weight gradients); FFTs 2.5 N log2 N per real field of N points
    for each rfftn and irfftn (the kept-mode transforms do less; this is the
    customary count), the same in backward; mode mixing 8 per complex
    multiply-add, backward twice the forward. Elementwise work is not counted."""
    points = n ** dim
    mode_grid = [2 * modes] * (dim - 1) + [modes]
    kept = math.prod(mode_grid)
    pointwise = 2 * BATCH * points * ((1 + dim) * width + LAYERS * width * width + width * PROJECTION + PROJECTION)
    fft = LAYERS * 2 * BATCH * width * 2.5 * points * math.log2(points)
    if tucker:
        r = tucker_ranks([LAYERS, width, width] + mode_grid, tucker)
        r_in, r_out, r_modes = r[1], r[2], r[3:]
        spread = 0  # core [r_in, r_out, r_1..r_d] onto the modes, one axis at a time
        shape = list(r_modes)
        for a in range(dim):
            spread += 8 * r_in * r_out * math.prod(shape) * mode_grid[a]
            shape[a] = mode_grid[a]
        mix = LAYERS * (8 * BATCH * kept * (width * r_in + r_in * r_out + r_out * width) + spread)
    else:
        mix = LAYERS * 8 * BATCH * width * width * kept
    return {"forward": {"pointwise": pointwise, "fft": fft, "mix": mix},
            "backward": {"pointwise": 2 * pointwise, "fft": fft, "mix": 2 * mix}}


PHASE_OF_OPERATOR = [  # (substring of the operator name, phase)
    ("convolution", "pointwise"), ("kept_modes", "fft"), ("KeptModes", "fft"), ("fft", "fft"),
    ("mix_modes", "mix"), ("MixModes", "mix"), ("einsum", "mix"), ("bmm", "mix"),
]


def profile_phases(profile):
    """Seconds per iteration of each phase (forward and backward) from the operator profile."""
    out = {}
    for direction in ("forward", "backward"):
        times = {"pointwise": 0.0, "fft": 0.0, "mix": 0.0, "other": 0.0}
        for name, entry in profile[direction].items():
            phase = next((p for key, p in PHASE_OF_OPERATOR if key in name), "other")
            times[phase] += entry["self_ms"] * 1e-3
        out[direction] = times
    out["optimizer"] = sum(e["self_ms"] for e in profile["step"].values()) * 1e-3
    return out


def top_operators(profile, count=8):
    merged = {}
    for direction in ("forward", "backward"):
        for name, entry in profile[direction].items():
            merged[name] = merged.get(name, 0.0) + entry["self_ms"]
    return {name: round(ms, 2) for name, ms in sorted(merged.items(), key=lambda kv: -kv[1])[:count]}


bench = os.path.join(BUILD, "bench", "bench_fno_train")
reference = os.path.join(HERE, "..", "reference", "fno_reference.py")
cases = []
with tempfile.TemporaryDirectory(prefix="fno_train-") as tmp:
    for label, dim, n, width, modes, tucker in CASES:
        option = ["--tucker", str(tucker)] if tucker else []
        for threads in THREADS:
            export_dir = os.path.join(tmp, f"{label}-{threads}".replace(" ", "_"))
            os.makedirs(export_dir)
            arguments = [str(a) for a in (dim, n, width, modes, BATCH, threads, WARMUP, MIN_SECONDS, ROUNDS)]
            ours_runs, ref_runs = [], {name: [] for name, _, _ in REFERENCE_CONFIGS}
            for repeat in range(REPEATS):
                # Only the first run exports; every reference run imports the same weights and batch.
                ours_runs.append(measure([bench, *option, *arguments, *([export_dir] if repeat == 0 else [])], threads))
                for name, tunables, library_path in REFERENCE_CONFIGS:
                    ref_runs[name].append(measure(["/usr/bin/python3", reference, *(["--tucker"] if tucker else []),
                                                   *arguments, export_dir], threads, tunables, library_path))
            ours = max(ours_runs, key=lambda r: r["samples_per_second"])
            ref_best = {name: max(runs, key=lambda r: r["samples_per_second"]) for name, runs in ref_runs.items()}
            best_name = max(ref_best, key=lambda name: ref_best[name]["samples_per_second"])
            all_ref = [r for runs in ref_runs.values() for r in runs]
            case = {
                "model": label, "grid": "x".join([str(n)] * dim), "width": width, "modes": modes, "layers": LAYERS,
                "projection": PROJECTION, "batch": BATCH, "threads": threads,
                "tucker_rank_fraction": tucker,
                "fieldforge_samples_per_s": round(ours["samples_per_second"], 3),
                "torch_samples_per_s": round(ref_best[best_name]["samples_per_second"], 3),
                "torch_configuration": best_name,
                "ratio": round(ours["samples_per_second"] / ref_best[best_name]["samples_per_second"], 3),
                "torch_samples_per_s_by_configuration": {
                    name: round(r["samples_per_second"], 3) for name, r in ref_best.items()},
                "ratio_to_torch_as_installed": round(
                    ours["samples_per_second"] / ref_best["as installed"]["samples_per_second"], 3),
                "fieldforge_parameters": ours["parameters"], "torch_parameters": ref_best[best_name]["parameters"],
                "max_relative_difference": max(r["max_relative_difference"] for r in all_ref),
                "max_gradient_relative_difference": max(r["max_gradient_relative_difference"] for r in all_ref),
                "fieldforge_samples_per_s_rounds": [round(x, 3) for r in ours_runs
                                                    for x in r["samples_per_second_rounds"]],
                "torch_samples_per_s_rounds": [round(x, 3) for r in ref_runs[best_name]
                                               for x in r["samples_per_second_rounds"]],
                "fieldforge_s_per_iteration": {k: round(ours[k], 6) for k in ("s_forward", "s_backward", "s_step")},
                "torch_s_per_iteration": {k: round(ref_best[best_name][k], 6)
                                          for k in ("s_forward", "s_backward", "s_step")},
                "fieldforge_threads": ours["threads"], "torch_threads": ref_best[best_name]["threads"],
                "mode_gemm_isa": ours["mode_gemm_isa"], "torch_version": ref_best[best_name]["torch_version"],
            }
            print(json.dumps(case), file=sys.stderr)
            cases.append(case)

mismatched = [c for c in cases if c["fieldforge_parameters"] != c["torch_parameters"]]
if mismatched:
    sys.exit("fno_train: FAILED: parameter counts differ: "
             f"{[(c['model'], c['fieldforge_parameters'], c['torch_parameters']) for c in mismatched]}")
bad = [c for c in cases
       if not (c["max_relative_difference"] < AGREEMENT and c["max_gradient_relative_difference"] < AGREEMENT)]
if bad:
    sys.exit("fno_train: FAILED: fieldforge and the PyTorch reference compute different outputs or gradients "
             f"(max|a-b|/max|b| >= {AGREEMENT:g}) in "
             f"{[(c['model'], c['threads'], c['max_relative_difference'], c['max_gradient_relative_difference']) for c in bad]}")

# Where the time goes: one profiled run per case at one thread, and the FLOPs of each phase.
peak = gemm_peak()
profiles = []
for label, dim, n, width, modes, tucker in CASES:
    option = ["--tucker", str(tucker)] if tucker else []
    profile = measure([bench, "--profile", *option,
                       *[str(a) for a in (dim, n, width, modes, BATCH, 1, 15, 0, 10)]], 1)
    seconds = profile_phases(profile)
    counted = flops(dim, n, width, modes, tucker)
    phases = {}
    for direction in ("forward", "backward"):
        for phase, f in counted[direction].items():
            s = seconds[direction][phase]
            phases[f"{direction} {phase}"] = {"ms": round(1e3 * s, 2), "gflop": round(f / 1e9, 3),
                                              "gflop_per_s": round(f / s / 1e9, 1) if s > 0 else None}
        phases[f"{direction} other (elementwise, copies)"] = {"ms": round(1e3 * seconds[direction]["other"], 2)}
    phases["optimizer"] = {"ms": round(1e3 * seconds["optimizer"], 2)}
    total_flop = sum(f for d in counted.values() for f in d.values())
    step_seconds = profile["s_forward"] + profile["s_backward"] + profile["s_step"]
    profiles.append({
        "model": label, "threads": 1, "iterations_profiled": profile["iterations"],
        "s_per_iteration": round(step_seconds, 4),
        "gflop_per_iteration": round(total_flop / 1e9, 3),
        "gflop_per_s": round(total_flop / step_seconds / 1e9, 1),
        "fraction_of_gemm_peak": round(total_flop / step_seconds / 1e9 / peak, 3),
        "phases": phases, "top_operators_ms": top_operators(profile),
    })
    print(json.dumps(profiles[-1]), file=sys.stderr)


def find(model, threads):
    return next(c for c in cases if c["model"] == model and c["threads"] == threads)


headline = find("FNO-2D", 1)
scaling = {label: round(find(label, 2)["fieldforge_samples_per_s"] / find(label, 1)["fieldforge_samples_per_s"], 3)
           for label, *_ in CASES}
result = {
    "name": "fno_train",
    "headline": "FNO-2D training at 64^2 (width 32, 12 modes, batch 20, float32, Adam), one thread: "
                "fieldforge samples/s (as `fieldforge run` trains) / best-configured PyTorch eager samples/s",
    "ratio": headline["ratio"],
    "target": HEADLINE_TARGET,
    "meets_target": headline["ratio"] >= HEADLINE_TARGET,
    "every_case_target": CASE_TARGET,
    "min_case_ratio": min(c["ratio"] for c in cases),
    "every_case_meets_target": all(c["ratio"] >= CASE_TARGET for c in cases),
    "two_thread_scaling": scaling,
    "scaling_target": SCALING_TARGET,
    "scaling_meets_target": all(s >= SCALING_TARGET for s in scaling.values()),
    "reference": "bench/reference/fno_reference.py: PyTorch eager (Debian python3-torch "
                 f"{cases[0]['torch_version']}) FNO/TFNO of the same architecture and parameters, spectral layers as "
                 "the neuraloperator FNO writes them (rfftn, einsum per sign block of the kept modes, irfftn; "
                 "TFNO through its Tucker factors); best of: " + ", ".join(n for n, _, _ in REFERENCE_CONFIGS),
    "agreement_tolerance": AGREEMENT,
    "gemm_peak_gflop_per_s_one_core": peak,
    "gemm_peak_source": "OpenBLAS sgemm 2048^3, one thread, best of 5",
    "protocol": f"batch {BATCH}; {REPEATS} alternating runs per side and PyTorch configuration, each {WARMUP} "
                f"warm-up iterations then {ROUNDS} rounds of >= {MIN_SECONDS} s; best round counts; "
                "one iteration = zero_grad + forward + relative L2 loss + backward + Adam step on a fixed batch; "
                "both start from the same weights and batch",
    "cores": os.cpu_count(),
    "load_average_at_start": LOAD_AT_START,  # other work on the machine skews the timings
    "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    "cases": cases,
    "profiles": profiles,
}


def run_summary(r):
    return {"finished": r["finished"], "load_average_at_start": r["load_average_at_start"],
            "load_average_at_end": r["load_average_at_end"], "two_thread_scaling": r["two_thread_scaling"],
            "cases": [{k: c[k] for k in ("model", "threads", "fieldforge_samples_per_s", "torch_samples_per_s",
                                         "torch_configuration", "ratio")} for c in r["cases"]]}


result["finished"] = subprocess.run(["date", "-u", "+%Y-%m-%d %H:%M UTC"], capture_output=True, text=True).stdout.strip()
if KEEP_EARLIER and os.path.exists(RESULT):
    with open(RESULT) as f:
        earlier = json.load(f)
    result["earlier_runs"] = earlier.get("earlier_runs", []) + [run_summary(earlier)]
    runs = result["earlier_runs"] + [run_summary(result)]
    ranges = {}
    for c in cases:
        key = f"{c['model']}, {c['threads']} thread(s)"
        same = [x for r in runs for x in r["cases"] if x["model"] == c["model"] and x["threads"] == c["threads"]]
        ranges[key] = {"runs": len(same), "ratio": [min(x["ratio"] for x in same), max(x["ratio"] for x in same)],
                       "fieldforge_samples_per_s": [min(x["fieldforge_samples_per_s"] for x in same),
                                                    max(x["fieldforge_samples_per_s"] for x in same)]}
    result["ranges_over_runs"] = ranges
    result["two_thread_scaling_range"] = {
        label: [min(r["two_thread_scaling"][label] for r in runs), max(r["two_thread_scaling"][label] for r in runs)]
        for label, *_ in CASES}
os.makedirs(os.path.dirname(os.path.abspath(RESULT)), exist_ok=True)
with open(RESULT, "w") as f:
    json.dump(result, f, indent=2)
    f.write("\n")
