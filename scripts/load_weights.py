#!/usr/bin/env python3
"""Load a neural operator exported by fieldforge (train.operator's weights.h5)
into a plain PyTorch module, and check it against fieldforge's own predictions.

    load_weights.py WEIGHTS.h5 DATA.h5 PREDICTIONS.h5 [--tolerance 1e-4]

The module is an FNO written here in PyTorch with the conventions of
fieldforge's LibTorch implementation (operators/models/fno/fno.cpp,
operators/layers/spectral_conv.cpp): coordinate channels appended to the
input, a pointwise lifting, Fourier layers v <- GELU(K v + W v) (no GELU after
the last), zero padding at the end of every axis around the Fourier layers
when `padding` > 0, and a pointwise projection MLP with a GELU between its two
layers. Each Fourier layer holds a dense complex weight [in, out, M_1..M_d] on
the mode grid (full axes: frequencies 0..m-1 then -m..-1; the halved last
axis: 0..m-1), applied between an rFFT without scaling and its inverse
(scaled by 1/n), as torch.fft's default norm.
Kinds: fno (dense weights), tfno (Tucker or CP factors, joint over the layers
or per layer, contracted into dense weights when loading) and mgtfno (the
same network on multi-grid patches with coarse context). The normalizers of
the export wrap the network: x -> decode(network(encode(x))), resampled
multi-linearly when the grid differs from the training grid.

DATA.h5 is the dataset the predictions were made on and PREDICTIONS.h5 the
evaluate stage's output (its /params/sample maps rows to dataset samples).
The script prints the largest difference relative to the largest prediction
and exits 1 above the tolerance. Autoregressive models (window > 0) are rolled
out from the first `window` steps, as the evaluate stage does.

As a module:

    from load_weights import load_model
    model, info = load_model("runs/quickstart/model/weights.h5")
    y = model(x)        # x: [batch, in_channels, grid...] -> [batch, out, grid...]
    model.network       # the network alone, on normalized fields (FNO; MultiGridFNO for mgtfno)

Needs torch, numpy and h5py only.
"""
import argparse
import json
import re
import sys

import h5py
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

EPSILON = 1e-5  # the normalizers' epsilon: x -> (x - mean) / (std + eps)

__all__ = ["load_model", "parse_description", "FNO", "MultiGridFNO", "NormalizedOperator", "rollout"]


# ---------------------------------------------------------------------------
# The model description: YAML `key: value` lines with flow lists.

def text(attribute):
    """fieldforge writes string attributes as fixed-length byte strings."""
    if isinstance(attribute, np.ndarray) and attribute.shape == ():
        attribute = attribute[()]
    return attribute.decode() if isinstance(attribute, bytes) else str(attribute)


def _scalar(token):
    token = token.strip()
    if not token or token in ("~", "null", "Null", "NULL"):
        return None
    if token[0] == '"' and token[-1] == '"' and len(token) >= 2:
        return json.loads(token)
    if token[0] == "'" and token[-1] == "'" and len(token) >= 2:
        return token[1:-1].replace("''", "'")
    if token in ("true", "True", "TRUE"):
        return True
    if token in ("false", "False", "FALSE"):
        return False
    if re.fullmatch(r"[-+]?\d+", token):
        return int(token)
    try:
        return float(token)
    except ValueError:
        return token


def _split_flow(body):
    """Items of a flow list's body, splitting on commas outside quotes."""
    items, current, quote = [], "", None
    for c in body:
        if quote:
            current += c
            if c == quote:
                quote = None
        elif c in "\"'":
            quote = c
            current += c
        elif c == ",":
            items.append(current)
            current = ""
        else:
            current += c
    if current.strip() or items:
        items.append(current)
    return [_scalar(item) for item in items]


def _value(token):
    token = token.strip()
    if token.startswith("[") and token.endswith("]"):
        return _split_flow(token[1:-1])
    return _scalar(token)


def parse_description(description):
    """The model description (`kind: fno` etc., one `key: value` a line, flow
    lists such as `modes: [12, 12]`) as a dict; nested maps give dotted keys
    and block lists (`- item` lines) lists, should a writer emit them."""
    if "kind:" not in description and re.search(r"^\s*kind\s*=", description, re.M):
        raise ValueError("the model description is in the old `key=value` form; re-export the weights with a "
                         "current fieldforge")
    result, stack = {}, []  # stack: (indent, dotted prefix)
    last_key = None
    for raw in description.splitlines():
        line = raw.split(" #")[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip() or line.strip() in ("---", "..."):
            continue
        indent = len(line) - len(line.lstrip())
        stripped = line.strip()
        if stripped.startswith("- "):  # block list item of the last key
            if last_key is None:
                raise ValueError(f"model description: list item without a key: {raw!r}")
            if not isinstance(result.get(last_key), list):
                result[last_key] = []
            result[last_key].append(_value(stripped[2:]))
            continue
        if stripped.startswith("[") and last_key is not None and result.get(last_key) is None:
            result[last_key] = _value(stripped)  # a flow list on the line after its key
            if stack and stack[-1][1] == last_key.rsplit(".", 1)[-1]:
                stack.pop()
            continue
        key, sep, value = stripped.partition(":")
        if not sep:
            raise ValueError(f"model description: not a `key: value` line: {raw!r}")
        while stack and stack[-1][0] >= indent:
            stack.pop()
        dotted = ".".join([s[1] for s in stack] + [key.strip()])
        if value.strip():
            result[dotted] = _value(value)
        else:  # a nested map or a block list follows
            stack.append((indent, key.strip()))
            result[dotted] = None
        last_key = dotted
    return {k: v for k, v in result.items() if v is not None or k == "kind"}


# ---------------------------------------------------------------------------
# The network.

class Pointwise(nn.Module):
    """y = W x + b over the channel axis of [batch, channels, grid...]."""

    def __init__(self, in_channels, out_channels, dtype):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(out_channels, in_channels, dtype=dtype))
        self.bias = nn.Parameter(torch.zeros(out_channels, dtype=dtype))

    def forward(self, x):
        y = torch.einsum("oi,bi...->bo...", self.weight, x)
        return y + self.bias.view((1, -1) + (1,) * (x.dim() - 2))


class SpectralConv(nn.Module):
    """y = irFFT(W(k) rFFT(x)(k)) over the kept modes; W complex [in, out, M_1..M_d]
    with M_a = 2 m_a on full axes (frequencies 0..m-1, then -m..-1) and m_d on
    the halved last axis (0..m-1)."""

    def __init__(self, channels_in, channels_out, modes, dtype):
        super().__init__()
        self.modes = list(modes)
        extent = [2 * m for m in modes[:-1]] + [modes[-1]]
        complex_dtype = torch.complex128 if dtype == torch.float64 else torch.complex64
        self.weight = nn.Parameter(torch.zeros([channels_in, channels_out] + extent, dtype=complex_dtype))

    def forward(self, x):
        d = len(self.modes)
        spatial = x.shape[2:]
        for a, (m, n) in enumerate(zip(self.modes, spatial)):
            needed = 2 * (m - 1) if a == d - 1 else 2 * m
            if n < needed:
                raise ValueError(f"resolution {n} on axis {a} is too small for {m} Fourier modes (needs {needed})")
        last = d + 1
        full_axes = list(range(2, 2 + d - 1))
        x_hat = torch.fft.rfft(x, dim=last)[..., : self.modes[-1]]
        if full_axes:
            x_hat = torch.fft.fftn(x_hat, dim=full_axes)
        # Gather the mode grid: [0, m) ++ [n - m, n) on every full axis.
        for a in range(d - 1):
            m, n = self.modes[a], spatial[a]
            x_hat = torch.cat([x_hat.narrow(a + 2, 0, m), x_hat.narrow(a + 2, n - m, m)], a + 2)
        letters = "xyz"[:d]
        y_hat = torch.einsum(f"bi{letters},io{letters}->bo{letters}", x_hat, self.weight)
        # Scatter back, zeros between the two halves of every full axis.
        for a in range(d - 1):
            m, n = self.modes[a], spatial[a]
            blocks = [y_hat.narrow(a + 2, 0, m)]
            if n > 2 * m:
                gap = list(y_hat.shape)
                gap[a + 2] = n - 2 * m
                blocks.append(torch.zeros(gap, dtype=y_hat.dtype, device=y_hat.device))
            blocks.append(y_hat.narrow(a + 2, m, m))
            y_hat = torch.cat(blocks, a + 2)
        if full_axes:
            y_hat = torch.fft.ifftn(y_hat, dim=full_axes)
        # The k = 0 (and Nyquist) column of a half spectrum is real.
        n, columns = spatial[-1], y_hat.shape[last]
        real = torch.ones(columns, dtype=torch.bool, device=y_hat.device)
        real[1:] = False
        if n % 2 == 0 and columns == n // 2 + 1:
            real[-1] = True
        y_hat = torch.where(real, torch.complex(y_hat.real, torch.zeros_like(y_hat.real)), y_hat)
        return torch.fft.irfft(y_hat, n=n, dim=last)


class FNO(nn.Module):
    """Fourier neural operator [batch, in, grid...] -> [batch, out, grid...],
    with fieldforge's parameter names (lift, skip<l>, project_hidden,
    project_out); the spectral weights are dense complex tensors spectral.<l>.weight."""

    def __init__(self, in_channels, out_channels, modes, width, layers, projection, grid="periodic", padding=0,
                 dtype=torch.float64):
        super().__init__()
        if grid not in ("periodic", "closed", "none"):
            raise ValueError(f"grid channels must be none, periodic or closed, got {grid!r}")
        self.modes, self.layers, self.grid, self.padding = list(modes), layers, grid, padding
        d = len(self.modes)
        self.lift = Pointwise(in_channels + (0 if grid == "none" else d), width, dtype)
        self.spectral = nn.ModuleList(SpectralConv(width, width, self.modes, dtype) for _ in range(layers))
        for layer in range(layers):
            self.add_module(f"skip{layer}", Pointwise(width, width, dtype))
        self.project_hidden = Pointwise(width, projection, dtype)
        self.project_out = Pointwise(projection, out_channels, dtype)

    def with_grid(self, x):
        if self.grid == "none":
            return x
        channels = [x]
        for a, n in enumerate(x.shape[2:]):
            step = 1.0 / n if self.grid == "periodic" else 1.0 / max(n - 1, 1)
            view = [1] * x.dim()
            view[a + 2] = n
            expand = list(x.shape)
            expand[1] = 1
            channels.append((torch.arange(n, dtype=x.dtype, device=x.device) * step).view(view).expand(expand))
        return torch.cat(channels, 1)

    def forward(self, x):
        d = len(self.modes)
        if x.dim() != d + 2:
            raise ValueError(f"this {d}D FNO expects [batch, channels, {d}D grid], got {list(x.shape)}")
        v = self.lift(self.with_grid(x))
        p = self.padding
        if p > 0:
            v = F.pad(v, [0, p] * d)
        for layer in range(self.layers):
            v = self.spectral[layer](v) + getattr(self, f"skip{layer}")(v)
            if layer + 1 < self.layers:
                v = F.gelu(v)
        if p > 0:
            v = v[(slice(None), slice(None)) + (slice(0, -p),) * d]
        return self.project_out(F.gelu(self.project_hidden(v)))


class MultiGridFNO(nn.Module):
    """MG-TFNO (operators/models/mg_tfno/mg_fno.cpp): the field cut into 2^L
    patches per axis, each with L coarser views of growing regions centred on
    it as extra channels, all through one FNO (`network`) and stitched back."""

    def __init__(self, network, levels, overlap, periodic):
        super().__init__()
        self.network, self.levels, self.overlap, self.periodic = network, levels, overlap, periodic

    def split(self, x):
        d = x.dim() - 2
        spatial = x.shape[2:]
        parts, q = 1 << self.levels, self.overlap
        source = x if self.periodic else F.pad(x, [0, 1] * d)
        patches = []
        for index in range(parts ** d):
            patch, rest = [0] * d, index
            for a in range(d - 1, -1, -1):
                patch[a] = rest % parts
                rest //= parts
            views = []
            for level in range(self.levels + 1):
                widened = not self.periodic and level == self.levels
                factor = 1 << (level + 1 if widened else level)
                region = source
                for a in range(d):
                    n = spatial[a]
                    p = n // parts
                    length = (p + 2 * q) * factor
                    start = patch[a] * p - (length - p + 1) // 2
                    indices = torch.arange(start, start + length, device=x.device)
                    if self.periodic:
                        indices = torch.remainder(indices, n)
                    else:
                        indices = indices.masked_fill((indices < 0) | (indices >= n), n)
                    region = region.index_select(a + 2, indices)
                if factor > 1:
                    pool = (F.avg_pool1d, F.avg_pool2d, F.avg_pool3d)[d - 1]
                    region = pool(region, factor, factor)
                views.append(region)
            patches.append(torch.cat(views, 1))
        return torch.stack(patches, 1).flatten(0, 1)

    def stitch(self, patches, batch):
        d = patches.dim() - 2
        parts, q = 1 << self.levels, self.overlap
        inner = patches
        for a in range(d):
            inner = inner.narrow(a + 2, q, inner.shape[a + 2] - 2 * q)
        channels = inner.shape[1]
        grid = [batch] + [parts] * d + [channels] + list(inner.shape[2:])
        order = [0, d + 1]
        for a in range(d):
            order += [1 + a, d + 2 + a]
        full = [batch, channels] + [parts * inner.shape[a + 2] for a in range(d)]
        return inner.reshape(grid).permute(order).reshape(full)

    def forward(self, x):
        d = x.dim() - 2
        parts = 1 << self.levels
        pad = []
        for a in range(d - 1, -1, -1):
            pad += [0, (parts - x.shape[a + 2] % parts) % parts]
        y = self.stitch(self.network(self.split(F.pad(x, pad))), x.shape[0])
        return y[(slice(None), slice(None)) + tuple(slice(0, n) for n in x.shape[2:])]


def resample(statistic, grid, periodic):
    """A normalizer statistic [channels, n...] interpolated multi-linearly onto
    `grid` as fieldforge does: periodic grids hold the points j/n (the last
    interval wraps to the first point), closed ones j/(n-1)."""
    if list(statistic.shape[1:]) == list(grid):
        return statistic
    d = len(grid)
    x = statistic.unsqueeze(0)
    size = list(grid)
    if periodic:
        for a in range(d):
            x = torch.cat([x, x.narrow(2 + a, 0, 1)], 2 + a)
            size[a] += 1
    x = F.interpolate(x, size=size, mode=("linear", "bilinear", "trilinear")[d - 1], align_corners=True)
    if periodic:
        for a in range(d):
            x = x.narrow(2 + a, 0, grid[a])
    return x.squeeze(0).contiguous()


class NormalizedOperator(nn.Module):
    """decode(network(encode(x))) with the per-point Gaussian normalizers of
    the export, resampled when x is on another grid than the training one."""

    def __init__(self, network, in_shape, out_shape, periodic, dtype):
        super().__init__()
        self.network, self.periodic = network, periodic
        for name, shape in (("input_mean", in_shape), ("input_std", in_shape), ("target_mean", out_shape),
                            ("target_std", out_shape)):
            self.register_buffer(name, torch.zeros(shape, dtype=dtype))

    def forward(self, x):
        grid = list(x.shape[2:])
        mean_in, std_in, mean_out, std_out = (resample(getattr(self, n), grid, self.periodic)
                                              for n in ("input_mean", "input_std", "target_mean", "target_std"))
        y = self.network((x - mean_in) / (std_in + EPSILON))
        return y * (std_out + EPSILON) + mean_out


def rollout(model, known, steps):
    """Autoregressive prediction as fieldforge's evaluate stage does it: from
    `window` known steps of c components [batch, window*c, grid...] (step-major)
    the next `steps` steps [batch, steps*c, grid...], each prediction fed back."""
    state, predicted = known, []
    for _ in range(steps):
        predicted.append(model(state))
        c = predicted[-1].shape[1]
        state = torch.cat([state.narrow(1, c, state.shape[1] - c), predicted[-1]], 1)
    return torch.cat(predicted, 1)


# ---------------------------------------------------------------------------
# Loading.

def _complex(array):
    """A real array whose last axis holds (real, imaginary) as a complex128 tensor."""
    a = torch.as_tensor(np.asarray(array, dtype=np.float64))
    if a.shape[-1] != 2:
        raise ValueError(f"complex tensors are stored with a last axis of 2, got {list(a.shape)}")
    return torch.complex(a[..., 0], a[..., 1])


def _einsum_letters(d):
    return "xyz"[:d], "efg"[:d]


def _tucker_layer(core, factors, layer, d):
    """W_l [in, out, M...] of a joint Tucker factorization of [layers, in, out, M...]:
    G x_0 U_layer[l] x_1 U_in x_2 U_out x_3 U_1 ... (factors [extent, rank])."""
    m, r = _einsum_letters(d)
    layer_core = torch.einsum(f"apq{r},a->pq{r}", core, factors[0][layer])
    equation = f"pq{r},ip,oq" + "".join(f",{m[a]}{r[a]}" for a in range(d)) + f"->io{m}"
    return torch.einsum(equation, layer_core, factors[1], factors[2], *factors[3:])


def _cp_layer(factors, layer, d):
    """W_l [in, out, M...] = sum_r U_layer[l, r] U_in[:, r] U_out[:, r] U_1[:, r] ..."""
    m, _ = _einsum_letters(d)
    equation = "r,ir,or" + "".join(f",{m[a]}r" for a in range(d)) + f"->io{m}"
    return torch.einsum(equation, factors[0][layer], factors[1], factors[2], *factors[3:])


def _factorization(parameters, prefix, factorization, d):
    """Core and factors of one factorization stored under `prefix`."""
    count = 3 + d
    names = [f"{prefix}factor{n}" for n in range(count)]
    missing = [n for n in names + ([f"{prefix}core"] if factorization == "tucker" else []) if n not in parameters]
    if missing:
        raise ValueError(f"{factorization} weights without {', '.join(missing)}")
    factors = [_complex(parameters[n]) for n in names]
    core = _complex(parameters[f"{prefix}core"]) if factorization == "tucker" else None
    used = names + ([f"{prefix}core"] if core is not None else [])
    return core, factors, used


def dense_spectral_weights(parameters, prefix, spec, layers, d):
    """The complex weights [in, out, M...] of every layer from the exported
    spectral weights under `prefix` (`spectral_weights.`): dense as stored, or
    rebuilt from Tucker or CP factors (joint or per layer). Returns the list
    and the names it used."""
    kind = spec["kind"]
    factorization = "dense" if kind == "fno" else spec.get("factorization", "tucker")
    if factorization == "dense":
        name = prefix + "weight"
        if name not in parameters:
            raise ValueError(f"dense spectral weights without {name}")
        weight = _complex(parameters[name])
        if weight.shape[0] != layers:
            raise ValueError(f"{name} holds {weight.shape[0]} layers, the description {layers}")
        return [weight[layer] for layer in range(layers)], [name]
    if factorization not in ("tucker", "cp"):
        raise ValueError(f"unknown factorization {factorization!r}")
    rebuild = (lambda core, factors, layer: _tucker_layer(core, factors, layer, d)) if factorization == "tucker" \
        else (lambda core, factors, layer: _cp_layer(factors, layer, d))
    if spec.get("joint", True):
        core, factors, used = _factorization(parameters, prefix, factorization, d)
        if factors[0].shape[0] != layers:
            raise ValueError(f"{prefix}factor0 holds {factors[0].shape[0]} layers, the description {layers}")
        return [rebuild(core, factors, layer) for layer in range(layers)], used
    weights, used = [], []
    for layer in range(layers):
        core, factors, names = _factorization(parameters, f"{prefix}layer{layer}.", factorization, d)
        weights.append(rebuild(core, factors, 0))
        used += names
    return weights, used


def load_model(path, dtype=torch.float64, device="cpu"):
    """The operator exported to `path` (weights.h5) as a torch.nn.Module in
    evaluation mode: [batch, in, grid...] -> [batch, out, grid...] on
    unnormalized fields, its FNO alone as `.network`. Returns (module, info),
    info a dict of the export's attributes (`model` parsed into `spec`,
    in/out channels, dimension, input and target fields, window, epoch)."""
    try:
        return _load_model(path, dtype, device)
    except (ValueError, KeyError) as e:
        raise ValueError(f"{path}: {e}") from None


def _load_model(path, dtype, device):
    with h5py.File(path, "r") as file:
        attrs = {k: text(v) for k, v in file.attrs.items()}
        if "model" not in attrs or "parameters" not in file:
            raise ValueError("not a fieldforge weights file (no model attribute or /parameters)")
        spec = parse_description(attrs["model"])
        parameters = {}
        file["parameters"].visititems(lambda name, obj: parameters.__setitem__(name, obj[...])
                                      if isinstance(obj, h5py.Dataset) else None)
        normalizers = {n: file["normalizers"][n][...] for n in file["normalizers"]}
    in_channels, out_channels, dimension = (int(v) for v in attrs["data"].split())
    kind = spec.get("kind")
    if kind not in ("fno", "tfno", "mgtfno"):
        raise ValueError(f"model kind {kind!r} is not supported here (fno, tfno, mgtfno)")
    modes = [int(m) for m in spec["modes"]]
    if len(modes) != dimension:
        raise ValueError(f"{len(modes)} modes for {dimension}D data")
    layers, grid = int(spec["layers"]), spec.get("grid", "periodic")
    levels = int(spec.get("levels", 1))
    network_in = in_channels * (levels + 1) if kind == "mgtfno" else in_channels
    fno = FNO(network_in, out_channels, modes, int(spec["width"]), layers, int(spec["projection"]), grid,
              int(spec.get("padding", 0)), dtype)
    prefix = ""
    network = fno
    if kind == "mgtfno":
        network = MultiGridFNO(fno, levels, int(spec.get("overlap", 0)), spec.get("context", "periodic") == "periodic")
        prefix = "network."
    model = NormalizedOperator(network, normalizers["input_mean"].shape, normalizers["target_mean"].shape,
                               periodic=grid != "closed", dtype=dtype)

    # LibTorch names -> this module's: identical but for the spectral weights,
    # contracted into one dense complex tensor per layer.
    fno_name = "network." + ("network." if kind == "mgtfno" else "")
    state = {}
    spectral, used = dense_spectral_weights(parameters, prefix + "spectral_weights.", spec, layers, dimension)
    for layer, weight in enumerate(spectral):
        state[f"{fno_name}spectral.{layer}.weight"] = weight
    for name, value in parameters.items():
        if name.startswith(prefix + "spectral_weights."):
            if name not in used:
                raise ValueError(f"unexpected spectral parameter {name}")
            continue
        if not name.startswith(prefix):
            raise ValueError(f"unexpected parameter {name}")
        state[fno_name + name[len(prefix):]] = torch.as_tensor(np.asarray(value, dtype=np.float64))
    for name, value in normalizers.items():
        state[name] = torch.as_tensor(np.asarray(value, dtype=np.float64))
    model.load_state_dict(state, strict=True)
    model.to(device).eval()

    info = dict(attrs)
    info.update(spec=spec, kind=kind, in_channels=in_channels, out_channels=out_channels, dimension=dimension,
                window=int(attrs.get("window", "0")), epoch=int(attrs.get("epoch", "0")))
    return model, info


# ---------------------------------------------------------------------------
# The check against fieldforge's predictions.

def _subsample_factor(data_grid, prediction_grid):
    """The evaluate stage's `subsample` k: every k-th point from 0, ceil(n / k) per axis."""
    if list(data_grid) == list(prediction_grid):
        return 1
    for k in range(2, max(data_grid) + 1):
        if all((n + k - 1) // k == m for n, m in zip(data_grid, prediction_grid)):
            return k
    raise ValueError(f"predictions on grid {list(prediction_grid)} are no subsampling of the data's "
                     f"{list(data_grid)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("weights")
    parser.add_argument("data")
    parser.add_argument("predictions")
    parser.add_argument("--tolerance", type=float, default=1e-4, help="largest relative difference to pass")
    parser.add_argument("--samples", type=int, default=0, help="check the first N rows only (0: all)")
    parser.add_argument("--float32", action="store_true", help="compute in float32 instead of float64")
    args = parser.parse_args()
    dtype = torch.float32 if args.float32 else torch.float64
    try:
        model, info = load_model(args.weights, dtype=dtype)
    except ValueError as e:
        print(f"load_weights.py: {e}", file=sys.stderr)
        sys.exit(2)
    field, target, window = info["input"], info["target"], info["window"]
    with h5py.File(args.data, "r") as data, h5py.File(args.predictions, "r") as ours:
        rows = ours["params/sample"].shape[0]
        rows = min(args.samples, rows) if args.samples > 0 else rows
        samples = [int(ours["params/sample"][r]) for r in range(rows)]
        data_grid = [int(n) for n in data["grid"].attrs["shape"]]
        d = len(data_grid)
        expected = np.stack([ours[target][r] for r in range(rows)]).astype(np.float64)
        k = _subsample_factor(data_grid, expected.shape[-d:])
        source = target if window > 0 else field
        x = np.stack([data[source][s] for s in samples]).astype(np.float64)
        x = x.reshape((rows, -1) + x.shape[-d:])[(Ellipsis,) + (slice(None, None, k),) * d]
        # The loader reads float64 and hands the model float32.
        x = torch.as_tensor(x.astype(np.float32)).to(dtype)
        with torch.no_grad():
            if window > 0:
                steps = expected.shape[1]
                components = expected.shape[2] if expected.ndim == d + 3 else 1
                y = rollout(model, x[:, :window * components], steps)
            else:
                y = model(x)
    y = y.double().numpy().reshape(expected.shape)
    difference = np.abs(y - expected).max() / np.abs(expected).max()
    factorization = "dense" if info["kind"] == "fno" else info["spec"].get("factorization", "tucker")
    layout = "" if info["kind"] == "fno" else (" joint" if info["spec"].get("joint", True) else " per-layer")
    print(f"{info['kind']} ({factorization}{layout}): max |torch - fieldforge| / max |fieldforge| = "
          f"{difference:.3g} over {rows} samples")
    sys.exit(0 if difference <= args.tolerance else 1)


if __name__ == "__main__":
    main()
