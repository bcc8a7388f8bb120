"""Opens every XDMF sidecar under the given folders in ParaView's three XDMF
readers and checks what each shows against h5py reading the data file.

    pvpython tests/paraview/check_sidecars.py build/tests/smoke

Per sidecar and reader: the time values (a trajectory's /times, or the sample
indices of a static dataset), and at every step the number of points and
cells (the grid or mesh), the bounds of a uniform grid (origin 0, spacing from
/grid) or of a sphere grid's /grid/points, and every field of the data file that lives on the grid, with the
values h5py reads (vectors as 3-component arrays). Each reader runs in its own
pvpython process: the Xdmf3 readers abort the process on some inputs, which
then fails the check instead of ending it.

Exit status: 0 when every check passes, 1 otherwise (each failure printed).
"""
import json
import pathlib
import re
import shutil
import subprocess
import sys

READERS = ("XDMFReader", "Xdmf3ReaderS", "Xdmf3ReaderT")
MAX_STATIC_SAMPLES = 256  # io/xdmf.hpp kXdmfMaxSamples


def time_values(source):
    """A reader's time steps as a list: ParaView gives a bare float for one step."""
    values = source.TimestepValues
    if values is None:
        return []
    return [values] if isinstance(values, (int, float)) else list(values)


def read_with(reader, sidecar):
    """What `reader` shows of `sidecar` (runs inside pvpython)."""
    from paraview import servermanager, simple
    from vtk.numpy_interface import dataset_adapter

    if reader == "XDMFReader":
        source = simple.XDMFReader(FileNames=[sidecar])
    else:
        source = getattr(simple, reader)(FileName=[sidecar])
    steps = []
    times = time_values(source) or [None]
    for time in times:
        source.UpdatePipeline(time) if time is not None else source.UpdatePipeline()
        data = servermanager.Fetch(source)
        if data.IsA("vtkMultiBlockDataSet"):
            data = data.GetBlock(0)
        wrapped = dataset_adapter.WrapDataObject(data)
        arrays = {}
        for center, fields in (("Node", wrapped.PointData), ("Cell", wrapped.CellData)):
            for name in fields.keys():
                arrays[name] = {"center": center, "values": fields[name].tolist()}
        steps.append({"time": time, "points": data.GetNumberOfPoints(), "cells": data.GetNumberOfCells(),
                      "bounds": list(data.GetBounds()), "arrays": arrays})
    return steps


def worker(reader, sidecars):
    results = {}
    for sidecar in sidecars:
        results[sidecar] = read_with(reader, sidecar)
    print("RESULT " + json.dumps(results))


class Checker:
    def __init__(self):
        self.failures = []
        self.checked = 0

    def expect(self, condition, message):
        self.checked += 1
        if not condition:
            self.failures.append(message)


def expected_steps(sidecar, h5):
    """Per step: (time value, {field name: (center, values as list of rows)})."""
    import numpy as np

    grid_kind = h5["grid"].attrs["kind"]
    grid_kind = grid_kind.decode() if isinstance(grid_kind, bytes) else grid_kind
    if grid_kind == "mesh":
        node_shape = (h5["mesh/nodes"].shape[0],)
        cell_shape = (h5["mesh/cells"].shape[0],)
    else:
        node_shape, cell_shape = tuple(int(n) for n in h5["grid"].attrs["shape"]), None

    def on_grid(dataset):
        shape = dataset.shape[1:]
        components = int(dataset.attrs.get("components", 1))
        for spatial, center in ((node_shape, "Node"), (cell_shape, "Cell")):
            if spatial is None:
                continue
            tail = len(spatial) + (1 if components > 1 else 0)
            if len(shape) in (tail, tail + 1) and tuple(shape[-len(spatial):]) == spatial:
                if components > 1 and shape[-tail] != components:
                    continue
                return center, components, len(shape) == tail + 1
        return None

    fields = {}
    for group in ("inputs", "outputs"):
        for name, dataset in h5.get(group, {}).items():
            placed = on_grid(dataset)
            if placed:
                fields[name] = (dataset, *placed)

    def block(dataset, components, index):
        values = np.asarray(dataset[index], dtype=np.float64)
        if components == 1:
            return {"": values.reshape(-1)}
        if components <= 3:
            rows = values.reshape(components, -1).T
            return {"": np.hstack([rows, np.zeros((rows.shape[0], 3 - components))])}
        return {f"_{c}": values[c].reshape(-1) for c in range(components)}

    trajectory = any(timed for _, _, _, timed in fields.values())
    steps = []
    if trajectory:
        match = re.search(r"_sample(\d+)\.xdmf$", sidecar.name)
        sample = int(match.group(1)) if match else 0
        n_times = max(d.shape[1] for d, _, _, timed in fields.values() if timed)
        times = list(h5["times"][:]) if "times" in h5 and h5["times"].shape[0] == n_times else list(range(n_times))
        for t in range(n_times):
            arrays = {}
            for name, (dataset, center, components, timed) in fields.items():
                if timed and t >= dataset.shape[1]:
                    continue
                index = (sample, t) if timed else (sample,)
                for suffix, values in block(dataset, components, index).items():
                    arrays[name + suffix] = (center, values)
            steps.append((float(times[t]), arrays))
    else:
        if sidecar.name.endswith("_samples.xdmf"):  # a selection named by the user
            samples = [int(s) for s in re.findall(r'<Grid Name="sample_(\d+)"', sidecar.read_text())]
        else:
            n_samples = next(iter(fields.values()))[0].shape[0]
            samples = range(min(n_samples, MAX_STATIC_SAMPLES))
        for sample in samples:
            arrays = {}
            for name, (dataset, center, components, _) in fields.items():
                for suffix, values in block(dataset, components, (sample,)).items():
                    arrays[name + suffix] = (center, values)
            steps.append((float(sample), arrays))
    return grid_kind, node_shape, cell_shape, steps


def check(sidecar, reader, shown, checker):
    import h5py
    import numpy as np

    data_file = sidecar.parent / (re.sub(r"(_sample\d+|_samples)?\.xdmf$", "", sidecar.name) + ".h5")
    where = f"{sidecar} [{reader}]"
    with h5py.File(data_file, "r") as h5:
        grid_kind, node_shape, cell_shape, steps = expected_steps(sidecar, h5)
        checker.expect(len(shown) == len(steps), f"{where}: {len(shown)} steps, expected {len(steps)}")
        n_points = int(np.prod(node_shape))
        sphere = grid_kind.startswith("sphere_")
        if grid_kind == "mesh":
            n_cells = cell_shape[0]
        elif sphere:  # a curvilinear surface through /grid/points
            n_cells = int(np.prod([n - 1 for n in node_shape]))
            points = h5["grid/points"][:]
            expected_low, expected_high = list(points.min(axis=0)), list(points.max(axis=0))
        else:
            n_cells = int(np.prod([n - 1 for n in node_shape]))
            extent = h5["grid"].attrs["extent"]
            spacing = [length / (n if grid_kind == "periodic" else n - 1) for length, n in zip(extent, node_shape)]
            # ParaView's x is the last (fastest) HDF5 axis
            expected_max = [(n - 1) * h for n, h in zip(node_shape, spacing)][::-1] + [0.0] * (3 - len(node_shape))
        for k, (step, (time, arrays)) in enumerate(zip(shown, steps)):
            at = f"{where} step {k}"
            if len(steps) > 1:
                checker.expect(step["time"] is not None and abs(step["time"] - time) <= 1e-9 * max(1.0, abs(time)),
                               f"{at}: time {step['time']}, expected {time}")
            checker.expect(step["points"] == n_points, f"{at}: {step['points']} points, expected {n_points}")
            checker.expect(step["cells"] == n_cells, f"{at}: {step['cells']} cells, expected {n_cells}")
            if sphere:
                bounds = step["bounds"]
                checker.expect(np.allclose(bounds[0::2], expected_low, atol=1e-12) and
                               np.allclose(bounds[1::2], expected_high, atol=1e-12),
                               f"{at}: bounds {bounds}, expected {expected_low} .. {expected_high}")
            elif grid_kind != "mesh":
                bounds = step["bounds"]
                low, high = bounds[0::2], bounds[1::2]
                checker.expect(np.allclose(low, 0.0) and np.allclose(high, expected_max, rtol=1e-9, atol=1e-12),
                               f"{at}: bounds {bounds}, expected 0 .. {expected_max}")
            for name, (center, values) in arrays.items():
                got = step["arrays"].get(name)
                checker.expect(got is not None, f"{at}: no array '{name}' (has {sorted(step['arrays'])})")
                if got is None:
                    continue
                checker.expect(got["center"] == center, f"{at}: '{name}' on {got['center']}, expected {center}")
                shown_values = np.asarray(got["values"], dtype=np.float64)
                same_shape = shown_values.shape == values.shape
                checker.expect(same_shape, f"{at}: '{name}' shape {shown_values.shape}, expected {values.shape}")
                if same_shape:
                    scale = max(float(np.max(np.abs(values))), 1e-30)
                    error = float(np.max(np.abs(shown_values - values))) / scale
                    checker.expect(error <= 1e-6, f"{at}: '{name}' differs from h5py by {error:.3g} (relative)")


def main(folders):
    sidecars = sorted(str(p) for folder in folders for p in pathlib.Path(folder).rglob("*.xdmf"))
    if not sidecars:
        print(f"check_sidecars: no .xdmf under {' '.join(folders)}")
        return 1
    checker = Checker()
    for reader in READERS:
        run = subprocess.run([shutil.which("pvpython") or sys.executable, __file__, "--worker", reader, *sidecars], capture_output=True,
                             text=True)
        lines = [line for line in run.stdout.splitlines() if line.startswith("RESULT ")]
        if run.returncode != 0 or not lines:
            tail = (run.stdout + run.stderr).strip().splitlines()[-5:]
            checker.expect(False, f"{reader}: pvpython exited with {run.returncode}: " + " | ".join(tail))
            continue
        for sidecar, shown in json.loads(lines[-1][len("RESULT "):]).items():
            check(pathlib.Path(sidecar), reader, shown, checker)
    for failure in checker.failures:
        print("FAIL", failure)
    print(f"check_sidecars: {len(sidecars)} sidecars x {len(READERS)} readers, "
          f"{checker.checked} checks, {len(checker.failures)} failures")
    return 1 if checker.failures else 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3:])
    else:
        sys.exit(main(sys.argv[1:]))
