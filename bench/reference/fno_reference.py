#!/usr/bin/env python3
"""PyTorch reference for bench/fno_train: the same FNO as fieldforge's
operators/fno.cpp, written in plain PyTorch (eager, float32, CPU), and its
training throughput measured the same way as bench_fno_train measures ours.

The model, in the order forward runs it:
  lift        pointwise linear map of [input channels ++ grid coordinates]
              (periodic grid channels x_j = j/n, one per axis) to WIDTH channels
  4 layers    v <- spectral(v) + skip(v), GELU (exact, erf) after all but the
              last; spectral: rfftn over the grid axes, the kept modes (the
              lowest MODES frequencies of both signs on every axis but the
              last, non-negative ones on the halved last axis) multiplied by
              complex weights W[i, o, k] summed over input channels i, the rest
              zero, irfftn; skip: pointwise linear map WIDTH -> WIDTH
  projection  pointwise linear WIDTH -> 128, GELU, pointwise linear 128 -> 1
Parameters are named and shaped as fieldforge names and shapes them, so one
state dict fits both: lift.{weight,bias} [out, in], [out];
spectral_weights.weight [layers, in, out, M_1, ..., M_d, 2] (real and
imaginary parts; M_a = 2 MODES on the full axes, non-negative frequencies
first, then the negative ones; M_d = MODES on the last axis); skip{l}.{weight,
bias}; project_hidden.{weight,bias}; project_out.{weight,bias}.

One training iteration: zero_grad, forward, relative L2 loss (per sample
||u - v|| / ||v||, averaged), backward, Adam step (lr 1e-3, PyTorch defaults
otherwise), on one fixed random batch.

    fno_reference.py [--tucker] DIM N WIDTH MODES BATCH THREADS WARMUP MIN_SECONDS ROUNDS [IMPORT_DIR]

With --tucker (TFNO; needs IMPORT_DIR, whose core sets the ranks) the
spectral weights of all layers are one Tucker tensor, core
[r_layers, r_in, r_out, r_1..r_d] and factors factor0 [layers, r_layers],
factor1 [in, r_in], factor2 [out, r_out], factor{3+a} [M_a, r_a] (complex as
real pairs), and each layer contracts its input through the factors without
forming its weights, in the pairwise order opt_einsum chooses for
neuraloperator's single-einsum Tucker contraction (this Debian PyTorch has no
opt_einsum, and left-to-right order would form a tensor of every rank at every
mode): the layer's core, the input onto the in-rank, the core spread over the
modes, the per-mode product in rank space, the out-rank onto the outputs.

With IMPORT_DIR (written by bench_fno_train's EXPORT_DIR), the model starts
from fieldforge's weights and batch and reports how far its output on that
batch, and the loss's gradients with respect to each parameter (relative to
that parameter's largest gradient entry), are from fieldforge's. Prints one JSON object on stdout.
"""
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

CONVOLUTIONS = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}


class PointwiseLinear(nn.Module):
    """y = W x + b over the channel axis of [batch, channels, grid...]: a 1x1 convolution."""

    def __init__(self, in_channels, out_channels):
        super().__init__()
        bound = 1.0 / math.sqrt(in_channels)
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(out_channels).uniform_(-bound, bound))

    def forward(self, x):
        kernel = self.weight.view(*self.weight.shape, *([1] * (x.dim() - 2)))
        return CONVOLUTIONS[x.dim() - 2](x, kernel, self.bias)


class SpectralWeights(nn.Module):
    """Dense complex weights of all Fourier layers, stored as real pairs."""

    def __init__(self, layers, channels, modes):
        super().__init__()
        extent = [2 * m for m in modes[:-1]] + [modes[-1]]
        scale = 1.0 / (channels * channels)
        self.weight = nn.Parameter(scale * torch.rand(layers, channels, channels, *extent, 2))


class TuckerSpectralWeights(nn.Module):
    """Joint Tucker factorization of the weights of all layers (see the module docstring)."""

    def __init__(self, ranks, extents):
        super().__init__()
        self.core = nn.Parameter(torch.zeros(*ranks, 2))
        for axis, (extent, rank) in enumerate(zip(extents, ranks)):
            self.register_parameter(f"factor{axis}", nn.Parameter(torch.zeros(extent, rank, 2)))

    def factor(self, axis):
        return torch.view_as_complex(getattr(self, f"factor{axis}"))

    def contract(self, layer, x_hat, mode_rows):
        """x_hat [b, in, modes of this block] with the block's rows of each mode factor."""
        d = x_hat.dim() - 2
        m, r = "xyz"[:d], "efg"[:d]
        core = torch.einsum(f"apq{r},a->pq{r}", torch.view_as_complex(self.core), self.factor(0)[layer])
        projected = torch.einsum(f"bi{m},ip->bp{m}", x_hat, self.factor(1))
        spread = ",".join([f"pq{r}"] + [f"{m[a]}{r[a]}" for a in range(d)])
        kernel = torch.einsum(f"{spread}->pq{m}", core, *[self.factor(3 + a)[rows] for a, rows in enumerate(mode_rows)])
        mixed = torch.einsum(f"bp{m},pq{m}->bq{m}", projected, kernel)
        return torch.einsum(f"bq{m},oq->bo{m}", mixed, self.factor(2))


class SpectralConv(nn.Module):
    """One Fourier layer's kernel: y = irfftn(W . rfftn(x)) on the kept modes."""

    def __init__(self, modes, weights, layer):
        super().__init__()
        self.modes = modes
        self.weights = [weights]  # a plain list: the owner registers the parameter once
        self.layer = layer

    def forward(self, x):
        d = len(self.modes)
        grid = x.shape[2:]
        axes = tuple(range(2, 2 + d))
        letters = "xyz"[:d]
        equation = f"bi{letters},io{letters}->bo{letters}"
        x_hat = torch.fft.rfftn(x, dim=axes)
        weights = self.weights[0]
        tucker = isinstance(weights, TuckerSpectralWeights)
        if not tucker:
            w = torch.view_as_complex(weights.weight[self.layer])  # [in, out, M_1..M_d]
        out_channels = weights.factor(2).shape[0] if tucker else w.shape[1]
        y_hat = torch.zeros(x.shape[0], out_channels, *x_hat.shape[2:], dtype=x_hat.dtype)
        # One block per sign pattern of the full axes: bit a set = negative
        # frequencies on axis a, which sit at the end of the FFT axis and in
        # the second half of the weights' mode axis.
        for block in range(2 ** (d - 1)):
            spectrum, weight = [slice(None), slice(None)], [slice(None), slice(None)]
            for a, m in enumerate(self.modes):
                negative = a + 1 < d and (block >> a) & 1
                spectrum.append(slice(grid[a] - m, grid[a]) if negative else slice(0, m))
                weight.append(slice(m, 2 * m) if negative else slice(0, m))
            if tucker:
                y_hat[tuple(spectrum)] = weights.contract(self.layer, x_hat[tuple(spectrum)], weight[2:])
            else:
                y_hat[tuple(spectrum)] = torch.einsum(equation, x_hat[tuple(spectrum)], w[tuple(weight)])
        return torch.fft.irfftn(y_hat, s=grid, dim=axes)


class Fno(nn.Module):
    def __init__(self, modes, in_channels, out_channels, width, layers=4, projection=128, tucker_ranks=None):
        super().__init__()
        self.modes, self.layers = list(modes), layers
        d = len(self.modes)
        self.lift = PointwiseLinear(in_channels + d, width)
        if tucker_ranks:
            extents = [layers, width, width] + [2 * m for m in self.modes[:-1]] + [self.modes[-1]]
            self.spectral_weights = TuckerSpectralWeights(tucker_ranks, extents)
        else:
            self.spectral_weights = SpectralWeights(layers, width, self.modes)
        self.spectral = [SpectralConv(self.modes, self.spectral_weights, l) for l in range(layers)]
        for l in range(layers):
            self.add_module(f"skip{l}", PointwiseLinear(width, width))
        self.project_hidden = PointwiseLinear(width, projection)
        self.project_out = PointwiseLinear(projection, out_channels)

    def with_grid(self, x):
        d = len(self.modes)
        channels = [x]
        for a in range(d):
            n = x.shape[a + 2]
            view = [1] * (d + 2)
            view[a + 2] = n
            expand = list(x.shape)
            expand[1] = 1
            channels.append((torch.arange(n, dtype=x.dtype) * (1.0 / n)).view(view).expand(expand))
        return torch.cat(channels, 1)

    def forward(self, x):
        v = self.lift(self.with_grid(x))
        for l in range(self.layers):
            v = self.spectral[l](v) + getattr(self, f"skip{l}")(v)
            if l + 1 < self.layers:
                v = F.gelu(v)
        return self.project_out(F.gelu(self.project_hidden(v)))


def relative_l2(prediction, target):
    difference = (prediction - target).flatten(1).norm(2, 1)
    return (difference / target.flatten(1).norm(2, 1)).mean()


def load_export(directory):
    with open(os.path.join(directory, "manifest.json")) as f:
        manifest = json.load(f)
    tensors = {}
    for name, entry in manifest.items():
        values = np.fromfile(os.path.join(directory, entry["file"]), dtype="<f4")
        tensors[name] = torch.from_numpy(values.astype(np.float32)).reshape(entry["shape"])
    return tensors


def main(argv):
    tucker = len(argv) > 1 and argv[1] == "--tucker"
    if tucker:
        argv = argv[:1] + argv[2:]
    if len(argv) < 10 or (tucker and len(argv) < 11):
        sys.exit(__doc__)
    dim, n, width, modes, batch, threads, warmup = (int(a) for a in argv[1:8])
    min_seconds, rounds = float(argv[8]), max(1, int(argv[9]))
    import_dir = argv[10] if len(argv) > 10 else None
    torch.set_num_threads(threads)
    torch.manual_seed(2024)

    exported = load_export(import_dir) if import_dir else None
    ranks = list(exported["param.spectral_weights.core"].shape[:-1]) if tucker else None
    model = Fno([modes] * dim, 1, 1, width, tucker_ranks=ranks)
    x = torch.randn(batch, 1, *([n] * dim))
    y = torch.randn(batch, 1, *([n] * dim))
    agreement = {}
    if import_dir:
        state = {k[len("param."):]: v for k, v in exported.items() if k.startswith("param.")}
        model.load_state_dict(state, strict=True)  # fails on a missing, extra or misshapen parameter
        x, y = exported["input"], exported["target"]
        out = model(x)
        loss = relative_l2(out, y)
        loss.backward()
        reference = exported["output"]
        gradient_differences = {
            name: float((p.grad - exported["grad." + name]).abs().max() / exported["grad." + name].abs().max())
            for name, p in model.named_parameters()
        }
        agreement = {
            "max_relative_difference": float((out - reference).abs().max() / reference.abs().max()),
            "max_gradient_relative_difference": max(gradient_differences.values()),
            "loss": float(loss), "fieldforge_loss": float(exported["loss"][0]),
        }
        model.zero_grad()
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def iterate(totals):
        t0 = time.perf_counter()
        optimizer.zero_grad()
        loss = relative_l2(model(x), y)
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        optimizer.step()
        t3 = time.perf_counter()
        totals["forward"] += t1 - t0
        totals["backward"] += t2 - t1
        totals["step"] += t3 - t2
        totals["seconds"] += t3 - t0
        totals["iterations"] += 1

    def fresh():
        return {"iterations": 0, "seconds": 0.0, "forward": 0.0, "backward": 0.0, "step": 0.0}

    unused = fresh()
    for _ in range(warmup):
        iterate(unused)
    done = []
    for _ in range(rounds):
        r = fresh()
        while r["seconds"] < min_seconds:
            iterate(r)
        done.append(r)
    best = max(done, key=lambda r: r["iterations"] / r["seconds"])
    it = best["iterations"]
    result = {
        "dim": dim, "n": n, "width": width, "modes": modes, "batch": batch, "threads": torch.get_num_threads(),
        "parameters": sum(p.numel() for p in model.parameters()), "warmup_iterations": warmup,
        "iterations": it, "seconds": best["seconds"], "samples_per_second": batch * it / best["seconds"],
        "samples_per_second_rounds": [batch * r["iterations"] / r["seconds"] for r in done],
        "s_forward": best["forward"] / it, "s_backward": best["backward"] / it, "s_step": best["step"] / it,
        "torch_version": torch.__version__,
    }
    result.update(agreement)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv)
