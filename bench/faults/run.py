#!/usr/bin/env python3
"""Kill-and-resume benchmark: bench/faults/case.yaml (generation, a FEM
solve, training with a checkpoint per epoch, evaluation) is SIGKILLed at 20
random moments and resumed each time, on 1 rank and on 2 ranks (a random rank
killed), by tests/faults/kill_and_resume.py; three repeats with other seeds. The outcome counts the kills
after which the run still ended with the uninterrupted run's files, bit for
bit, and no file ever looked finished before it was.

    run.py BUILD_DIR RESULT_JSON [--kills 20] [--repeats 3]

Headline: kills survived with identical outputs / kills made, over both rank
counts; goal 20 of 20 each. On 2 ranks the FEM solve's files are compared to
a relative 1e-6 and its residual history is left out: three uninterrupted
2-rank runs already differ there, the solution by one float32 rounding (7e-8
relative, in 74 and 87 of 37,249 values) and the CG + GAMG residual history
from its first value (0.638, 0.629, 0.614; 19, 20 and 21 iterations), since
PETSc sums off-process contributions in message order and GAMG's hierarchy
follows.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


STAGES = ["data", "poisson", "model", "report"]  # bench/faults/case.yaml, in order


def kill_run(fieldforge, ranks, seed, kills):
    """One driver run: `kills` SIGKILLs of the case on `ranks` ranks."""
    out = Path(tempfile.mkstemp(suffix=".json")[1])
    # The gaps reach past start-up and the dataset stage (which a kill sends
    # back to its first sample), so the kills spread over every stage.
    cmd = [sys.executable, str(ROOT / "tests/faults/kill_and_resume.py"), fieldforge, str(HERE / "case.yaml"),
           "--kills", str(kills), "--ranks", str(ranks), "--seed", str(seed), "--max-gap", "4.0",
           "--json", str(out)]
    if ranks > 1:  # PETSc's distributed solve differs from run to run (see above)
        cmd += ["--close", "poisson/poisson*.h5=1e-6", "--ignore", "solver/residual_history"]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    print(done.stdout.strip(), flush=True)
    text = out.read_text()
    out.unlink()
    if not text:  # the driver stopped early (a hang, a run that failed on its own)
        sys.exit(f"faults: {ranks} rank(s): {done.stdout[-2000:]}{done.stderr[-2000:]}")
    return json.loads(text)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build")
    parser.add_argument("result")
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    fieldforge = str(Path(args.build).resolve() / "bin" / "fieldforge")
    cases = []
    for repeat in range(args.repeats):
        for ranks in (1, 2):
            load = [round(x, 2) for x in os.getloadavg()]
            run = kill_run(fieldforge, ranks, seed=10 * repeat + ranks, kills=args.kills)
            # The outputs are checked after every kill and at the end; a run
            # with any problem counts none of its kills as survived.
            survived = run["kills_landed"] if run["identical"] else 0
            landed_in = {s: 0 for s in STAGES}  # the stage after the last finished one
            for k in run["kills"]:
                landed_in[STAGES[min(len(k["stages_finished"]), len(STAGES) - 1)]] += 1
            cases.append({
                "repeat": repeat, "ranks": ranks, "kills_requested": args.kills,
                "kills_landed": run["kills_landed"], "kills_survived_identical": survived,
                "ratio": round(survived / run["kills_landed"], 3) if run["kills_landed"] else 0.0,
                "seconds_with_kills": run["faulted_seconds"], "reference_seconds": run["reference_seconds"],
                "kills_by_stage_running": landed_in, "load_average_at_start": load, "run": run,
            })
    made = sum(c["kills_landed"] for c in cases)
    survived = sum(c["kills_survived_identical"] for c in cases)
    result = {
        "name": "faults",
        "headline": "SIGKILLs after which the resumed run ended with the uninterrupted run's outputs, bit for bit, "
                    "over 1 and 2 ranks and all repeats",
        "ratio": round(survived / made, 3) if made else 0.0,
        "target": 1.0,
        "meets_target": all(c["kills_landed"] == args.kills and c["ratio"] == 1.0 for c in cases),
        "kills_made": made,
        "kills_survived_identical": survived,
        "reference": "the same case run once without interruption, in the same run (reference_seconds per case)",
        "case": "bench/faults/case.yaml",
        "tolerances": "bit for bit, except on 2 ranks poisson/poisson*.h5 (PETSc distributed solve) to rtol 1e-6 "
                      "without its solver/residual_history, which differs between uninterrupted 2-rank runs",
        "cases": cases,
    }
    Path(args.result).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: result[k] for k in ("ratio", "meets_target", "kills_made", "kills_survived_identical")}))


if __name__ == "__main__":
    main()
