#!/usr/bin/env python3
"""Fault injection: SIGKILL a pipeline at random moments, resume it, and check
that it ends with the outputs of an uninterrupted run.

    kill_and_resume.py FIELDFORGE CASE.yaml --kills N [--ranks P] [--seed S]
                       [--max-gap SECONDS] [--close GLOB=RTOL ...] [--ignore DATASET ...]
                       [--json OUT] [key=value ...]

1. A reference run of the case, uninterrupted.
2. The same case again, killed with SIGKILL after a random time in
   [0.3 s, max-gap] and restarted with `--resume`, N times (under mpiexec one
   random rank is killed, and the job must go down with it); then run to the
   end. After every kill, every HDF5 file in the output folder that is not a
   .partial must already be complete: equal to the reference's. (That is the
   promise that no file looks finished before it is.)
3. Every HDF5 file of both runs (datasets, weights, predictions) must hold the
   same data, bit for bit, and the training histories must agree. Files
   matching a --close pattern are compared to a relative tolerance instead:
   a domain-parallel PETSc solve is not bitwise reproducible from one
   uninterrupted run to the next (off-process assembly contributions are
   summed in the order their messages arrive, and GAMG's hierarchy, hence
   the residual history, changes too); --ignore leaves such a run-dependent
   dataset out of the comparison.

Exit status 0 when all checks pass. Runs on one thread per rank
(FIELDFORGE_THREADS=1) with one FFTW wisdom file, as the determinism checks of
the test suite do.
"""
import argparse
import fnmatch
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import h5py
import numpy as np


def h5_files(root):
    return sorted(p.relative_to(root) for p in Path(root).rglob("*.h5"))


def datasets(path):
    """{name: array} of every dataset in an HDF5 file."""
    found = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: found.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return found


def same_data(a, b, rtol=0.0, ignore=()):
    """None when files a and b hold the same datasets (bit for bit, or with
    rtol > 0 to that relative tolerance), else why not."""
    da, db = datasets(a), datasets(b)
    for name in ignore:
        da.pop(name, None)
        db.pop(name, None)
    if da.keys() != db.keys():
        return f"datasets differ: {sorted(da.keys() ^ db.keys())}"
    for name in da:
        x, y = np.asarray(da[name]), np.asarray(db[name])
        if x.shape != y.shape or x.dtype != y.dtype:
            return f"{name} differs in shape or type"
        if rtol > 0 and np.issubdtype(x.dtype, np.floating):
            scale = max(float(np.abs(x).max()), 1e-300) if x.size else 1.0
            if x.size and float(np.abs(x.astype(np.float64) - y).max()) > rtol * scale:
                return f"{name} differs by more than {rtol:g} relative"
        elif x.tobytes() != y.tobytes():
            return f"{name} differs"
    return None


def tolerance_for(rel, patterns):
    """The relative tolerance of a file (0: bit for bit)."""
    for pattern, rtol in patterns:
        if fnmatch.fnmatch(str(rel), pattern):
            return rtol
    return 0.0


def command(args, output, resume):
    cmd = [args.fieldforge, "run", args.case, *args.overrides, f"output={output}"]
    if resume:
        cmd.append("--resume")
    if args.ranks > 1:
        cmd = ["mpiexec", "--oversubscribe", "-n", str(args.ranks), *cmd]
    return cmd


def rank_pids(launcher_pid):
    """The fieldforge processes below a launcher (mpiexec, or the process itself)."""
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid=,comm="], capture_output=True, text=True).stdout
    children = {}
    names = {}
    for line in out.splitlines():
        pid, ppid, name = line.split(None, 2)
        children.setdefault(int(ppid), []).append(int(pid))
        names[int(pid)] = name.strip()
    found, stack = [], [launcher_pid]
    while stack:
        pid = stack.pop()
        if names.get(pid, "").startswith("fieldforge"):
            found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def kill_everything_of(output):
    """SIGKILL every process of the run writing to `output` (mpiexec puts its
    ranks in their own process groups, but all carry output=... in argv)."""
    subprocess.run(["pkill", "-KILL", "-f", f"output={output}"], capture_output=True)


def run_killed(args, output, resume, delay, log):
    """Starts a run and SIGKILLs it (one random rank of it) after `delay`
    seconds. Returns True when the kill ended the run, False when the run
    had finished first."""
    proc = subprocess.Popen(command(args, output, resume), stdout=log, stderr=log, start_new_session=True)
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        pass
    victims = []
    for _ in range(40):  # ranks may still be starting: look for up to 2 s
        if proc.poll() is not None:
            break
        victims = rank_pids(proc.pid)
        if victims:
            break
        time.sleep(0.05)
    if proc.poll() is not None:
        if proc.returncode != 0:
            sys.exit(f"a run ended with exit code {proc.returncode} before its kill; see {log.name}")
        return False
    try:
        os.kill(random.choice(victims) if victims else proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=60)  # mpiexec must take the other ranks down
    except subprocess.TimeoutExpired:
        kill_everything_of(output)
        proc.wait()
        sys.exit("the job hung after one of its ranks was killed")
    kill_everything_of(output)  # ranks still being torn down
    return proc.returncode != 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("fieldforge")
    parser.add_argument("case")
    parser.add_argument("overrides", nargs="*")
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--ranks", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-gap", type=float, default=2.0, help="longest time before a kill, seconds")
    parser.add_argument("--json", help="write the outcome here")
    parser.add_argument("--keep", help="work in this folder and keep it")
    parser.add_argument("--close", action="append", default=[], metavar="GLOB=RTOL",
                        help="compare the HDF5 files matching GLOB to relative tolerance RTOL")
    parser.add_argument("--ignore", action="append", default=[], metavar="DATASET",
                        help="leave this dataset (e.g. solver/residual_history) out of the comparisons")
    args = parser.parse_args()
    close = [(p.split("=")[0], float(p.split("=")[1])) for p in args.close]
    random.seed(args.seed)
    os.environ.setdefault("FIELDFORGE_THREADS", "1")
    os.environ.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="ff-faults-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["FIELDFORGE_FFTW_WISDOM"] = str(work / "wisdom")
    reference, faulted = work / "reference", work / "faulted"
    log = open(work / "runs.log", "w")

    start = time.monotonic()
    subprocess.run(command(args, reference, False), stdout=log, stderr=log, check=True)
    reference_seconds = time.monotonic() - start

    kills, problems = [], []
    start = time.monotonic()
    for k in range(args.kills):
        delay = random.uniform(0.3, args.max_gap)
        landed = run_killed(args, faulted, resume=faulted.exists(), delay=delay, log=log)
        if not landed:
            break
        # Nothing may look finished before it is.
        present = h5_files(faulted)
        for rel in present:
            if not (reference / rel).exists():
                problems.append(f"kill {k}: {rel} exists but the reference has no such file")
                continue
            why = same_data(reference / rel, faulted / rel, tolerance_for(rel, close), args.ignore)
            if why:
                problems.append(f"kill {k} at {delay:.2f} s: {rel} looks finished but {why}")
        finished = sorted(p.parent.name for p in faulted.glob("*/stage.yaml"))
        kills.append({"after_seconds": round(delay, 3), "stages_finished": finished,
                      "complete_files": [str(p) for p in present]})
    subprocess.run(command(args, faulted, resume=faulted.exists()), stdout=log, stderr=log, check=True)
    faulted_seconds = time.monotonic() - start

    ref_files, out_files = h5_files(reference), h5_files(faulted)
    if ref_files != out_files:
        problems.append(f"files differ: {sorted(set(map(str, ref_files)) ^ set(map(str, out_files)))}")
    for rel in ref_files:
        if (faulted / rel).exists():
            why = same_data(reference / rel, faulted / rel, tolerance_for(rel, close), args.ignore)
            if why:
                problems.append(f"final {rel}: {why}")
    for history in reference.rglob("history.csv"):
        other = faulted / history.relative_to(reference)
        if not other.exists() or other.read_text() != history.read_text():
            problems.append(f"{history.relative_to(reference)} differs")
    leftovers = [str(p.relative_to(faulted)) for p in faulted.rglob("*.partial*")]
    if leftovers:
        problems.append(f"leftover partial files: {leftovers}")

    outcome = {
        "case": args.case,
        "overrides": args.overrides,
        "ranks": args.ranks,
        "reference_seconds": round(reference_seconds, 2),
        "faulted_seconds": round(faulted_seconds, 2),
        "kills_requested": args.kills,
        "kills_landed": len(kills),
        "kills": kills,
        "files_compared": [str(p) for p in ref_files],
        "compared_to_tolerance": {p: rtol for p, rtol in close},
        "datasets_ignored": args.ignore,
        "identical": not problems,
        "problems": problems,
    }
    if args.json:
        Path(args.json).write_text(json.dumps(outcome, indent=2) + "\n")
    for p in problems:
        print("FAIL:", p)
    print(f"{len(kills)} of {args.kills} kills landed ({args.ranks} rank(s)); {len(ref_files)} HDF5 files compared: "
          + ("identical to the uninterrupted run" if not problems else f"{len(problems)} problem(s)"))
    if not args.keep and not problems:
        subprocess.run(["rm", "-rf", str(work)])
    elif problems:
        print("work folder kept:", work)
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
