#!/usr/bin/env python3
"""PNG plots of samples from any fieldforge HDF5 file.

    scripts/plot_fields.py FILE.h5 [--samples 4] [--field inputs/a] [--out DIR]

Every field under /inputs and /outputs (or only --field) is drawn for the
first --samples samples: 2D fields as images, 1D fields as curves, 3D fields
as their middle slice along the first axis; a time axis (from /times) shows
its last recorded time. One PNG per field is written next to the file (or in
--out), named <file>_<group>_<field>.png.
"""
import argparse
import os
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def fields_of(f):
    for group in ("inputs", "outputs"):
        if group in f:
            for name in f[group]:
                yield f"{group}/{name}"


def spatial_dims(f):
    shape = f["grid"].attrs.get("shape") if "grid" in f else None
    return len(shape) if shape is not None else None


def reduce_to_plot(sample, dims, has_time):
    if has_time:
        sample = sample[-1]
    if dims == 3 or sample.ndim == 3:
        sample = sample[sample.shape[0] // 2]
    return sample


def plot_field(f, field, count, out_dir, stem):
    data = f[field]
    n = min(count, data.shape[0])
    dims = spatial_dims(f)
    has_time = dims is not None and data.ndim - 1 == dims + 1
    fig, axes = plt.subplots(1, n, figsize=(3.2 * n, 3.0), squeeze=False)
    for i in range(n):
        ax = axes[0, i]
        values = reduce_to_plot(np.asarray(data[i]), dims, has_time)
        if values.ndim == 2:  # axis 0 is x: transpose so x runs horizontally
            image = ax.imshow(values.T, origin="lower", extent=(0, 1, 0, 1), cmap="RdBu_r")
            fig.colorbar(image, ax=ax, fraction=0.046)
        else:
            ax.plot(np.linspace(0, 1, values.size, endpoint=False), values)
        ax.set_title(f"{field} [{i}]", fontsize=9)
    fig.tight_layout()
    path = os.path.join(out_dir, f"{stem}_{field.replace('/', '_')}.png")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file")
    parser.add_argument("--samples", type=int, default=4)
    parser.add_argument("--field", help="only this field, e.g. inputs/a")
    parser.add_argument("--out", help="output folder (default: next to the file)")
    args = parser.parse_args()
    if not os.path.exists(args.file):
        sys.exit(f"plot_fields: {args.file}: file not found")
    out_dir = args.out or os.path.dirname(os.path.abspath(args.file))
    os.makedirs(out_dir, exist_ok=True)
    stem = os.path.splitext(os.path.basename(args.file))[0]
    with h5py.File(args.file, "r") as f:
        fields = [args.field] if args.field else list(fields_of(f))
        if not fields:
            sys.exit(f"plot_fields: {args.file}: no datasets under /inputs or /outputs")
        for field in fields:
            if field not in f:
                sys.exit(f"plot_fields: {args.file}: no dataset /{field}")
            print(plot_field(f, field, args.samples, out_dir, stem))


if __name__ == "__main__":
    main()
