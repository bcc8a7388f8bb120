#!/usr/bin/env python3
"""Apply a dense FNO exported by fieldforge (train.operator's weights.h5)
with numpy alone, as an example of the export's names and conventions, and
compare it with fieldforge's own predictions of the same samples.

    fno_from_weights.py WEIGHTS.h5 DATA.h5 PREDICTIONS.h5 [--tolerance 1e-4]

DATA.h5 is the dataset the predictions were made on and PREDICTIONS.h5 the
evaluate stage's output (its /params/sample maps rows to dataset samples).
Prints the largest relative difference and exits 1 above the tolerance.
Covers dense FNOs without padding (kind fno); factorized weights would be
contracted from their factors first.
"""
import argparse
import math
import sys

import h5py
import numpy as np

EPSILON = 1e-5  # the normalizers' epsilon: x -> (x - mean) / (std + eps)
gelu = np.vectorize(lambda v: 0.5 * v * (1.0 + math.erf(v / math.sqrt(2.0))))


def text(attribute):
    """fieldforge writes string attributes as fixed-length byte strings."""
    return attribute.decode() if isinstance(attribute, bytes) else str(attribute)


def description(weights):
    return dict(line.split("=", 1) for line in text(weights.attrs["model"]).splitlines() if line)


def pointwise(p, name, v):
    """y = W v + b over the channel axis of [batch, channels, grid...]."""
    w, b = p[f"{name}.weight"][...], p[f"{name}.bias"][...]
    y = np.einsum("oi,bi...->bo...", w, v)
    return y + b.reshape((1, -1) + (1,) * (v.ndim - 2))


def spectral(weight, v, modes):
    """Spectral convolution of one layer: weight [in, out, mode grid..., 2]."""
    w = weight[..., 0] + 1j * weight[..., 1]
    d = len(modes)
    axes = tuple(range(2, 2 + d))
    spatial = v.shape[2:]
    v_hat = np.fft.rfftn(v, axes=axes)
    # Mode grid: on full axes [0, m) then [n - m, n); on the last axis [0, m).
    index = [np.r_[0:m, n - m:n] for m, n in zip(modes[:-1], spatial[:-1])] + [np.arange(modes[-1])]
    kept = v_hat[np.ix_(range(v.shape[0]), range(v.shape[1]), *index)]
    letters = "xyz"[:d]
    mixed = np.einsum(f"bi{letters},io{letters}->bo{letters}", kept, w)
    y_hat = np.zeros((v.shape[0], w.shape[1]) + v_hat.shape[2:], dtype=complex)
    y_hat[np.ix_(range(v.shape[0]), range(w.shape[1]), *index)] = mixed
    return np.fft.irfftn(y_hat, s=spatial, axes=axes)


def resample(statistic, grid, periodic):
    """A normalizer statistic [channels, n...] interpolated linearly along each
    axis onto `grid`, as fieldforge does for other resolutions: periodic grids
    hold the points j/n (the last interval wraps around), closed ones j/(n-1)."""
    for axis, m in enumerate(grid, start=1):
        n = statistic.shape[axis]
        if n == m:
            continue
        position = np.arange(m) * (n / m if periodic else (n - 1) / max(m - 1, 1))
        left = np.minimum(np.floor(position).astype(int), n - 1)
        right = (left + 1) % n if periodic else np.minimum(left + 1, n - 1)
        shape = [1] * statistic.ndim
        shape[axis] = m
        fraction = (position - left).reshape(shape)
        statistic = (1 - fraction) * np.take(statistic, left, axis) + fraction * np.take(statistic, right, axis)
    return statistic


def fno(weights, x):
    spec = description(weights)
    assert spec["kind"] == "fno" and spec["padding"] == "0", "this example covers dense FNOs without padding"
    p = weights["parameters"]
    norm = weights["normalizers"]
    modes = [int(m) for m in spec["modes"].split(",")]
    grid, periodic = x.shape[2:], spec["grid"] != "closed"
    statistics = {name: resample(norm[name][...], grid, periodic) for name in norm}
    v = (x - statistics["input_mean"]) / (statistics["input_std"] + EPSILON)
    if spec["grid"] != "none":
        coordinates = []
        for a, n in enumerate(v.shape[2:]):
            step = 1.0 / n if spec["grid"] == "periodic" else 1.0 / max(n - 1, 1)
            shape = [1] * v.ndim
            shape[2 + a] = n
            coordinates.append(np.broadcast_to((np.arange(n) * step).reshape(shape), (v.shape[0], 1) + v.shape[2:]))
        v = np.concatenate([v] + coordinates, axis=1)
    v = pointwise(p, "lift", v)
    layers = int(spec["layers"])
    for layer in range(layers):
        v = spectral(p["spectral_weights.weight"][layer], v, modes) + pointwise(p, f"skip{layer}", v)
        if layer + 1 < layers:
            v = gelu(v)
    y = pointwise(p, "project_out", gelu(pointwise(p, "project_hidden", v)))
    return y * (statistics["target_std"] + EPSILON) + statistics["target_mean"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("weights")
    parser.add_argument("data")
    parser.add_argument("predictions")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    parser.add_argument("--samples", type=int, default=4)
    args = parser.parse_args()
    with h5py.File(args.weights) as weights, h5py.File(args.data) as data, h5py.File(args.predictions) as ours:
        field = text(weights.attrs["input"])
        target = text(weights.attrs["target"])
        rows = range(min(args.samples, ours["params/sample"].shape[0]))
        samples = [int(ours["params/sample"][r]) for r in rows]
        x = np.stack([data[field][s] for s in samples]).astype(np.float64)
        x = x.reshape((len(samples), -1) + x.shape[-len(data["grid"].attrs["shape"]):])
        expected = np.stack([ours[target][r] for r in rows]).astype(np.float64)
        y = fno(weights, x).reshape(expected.shape)
    difference = np.abs(y - expected).max() / np.abs(expected).max()
    print(f"max |numpy - fieldforge| / max |fieldforge| = {difference:.3g} over {len(samples)} samples")
    sys.exit(0 if difference <= args.tolerance else 1)


if __name__ == "__main__":
    main()
