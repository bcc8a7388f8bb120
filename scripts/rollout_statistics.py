#!/usr/bin/python3
"""Turbulence statistics of autoregressive rollouts against the truth.

For each rollout written by an `evaluate` stage (predictions of an
autoregressive model) and the dataset it came from, per rolled-out step:
  - the kinetic energy spectrum E(k), summed over integer shells |k| of the
    periodic unit box, averaged over samples;
  - the dissipation rate eps = 2 nu sum_k (2 pi k)^2 E(k) (nu from /params/nu);
  - the relative L2 error (from the evaluate stage);
and over the whole rollout the PDFs of longitudinal velocity increments
du = u_a(x + r e_a) - u_a(x) at a few separations r (grid cells), in units of
the truth's standard deviation.

The fields are velocities [steps, d, grid] (3D data) or a scalar vorticity
[steps, n, n] (2D data), whose velocity is taken from the stream function.
Writes OUT/statistics.h5 (every array, the truth beside each model) and
OUT/rollout_statistics.png, and prints a JSON summary:

  /usr/bin/python3 scripts/rollout_statistics.py --data runs/x/data/ns3d.h5 \\
      --rollout implicit=runs/x/implicit_rollout/predictions.h5 \\
      --rollout fno=runs/x/fno_rollout/predictions.h5 --out runs/x/statistics
"""
import argparse
import json
import os
import sys

import h5py
import numpy as np


def fail(message):
    print(f"rollout_statistics: {message}", file=sys.stderr)
    sys.exit(2)


def wavenumbers(n):
    return np.fft.fftfreq(n, 1.0 / n)


def velocity(fields, dim):
    """Velocities [samples, steps, d, grid], or a 2D vorticity [samples, steps, n, n]
    turned into one."""
    if fields.ndim == dim + 3 and fields.shape[2] == dim:
        return fields
    if dim != 2 or fields.ndim != 4:
        fail(f"expected velocities [samples, steps, {dim}, grid] or a 2D vorticity, got {fields.shape}")
    n = fields.shape[-1]
    kx, ky = np.meshgrid(wavenumbers(n), wavenumbers(n), indexing="ij")
    k2 = (2 * np.pi) ** 2 * (kx**2 + ky**2)
    k2[0, 0] = 1.0
    w_hat = np.fft.fft2(fields)
    psi_hat = w_hat / k2  # -lap psi = w
    psi_hat[..., 0, 0] = 0.0
    u = np.real(np.fft.ifft2(2j * np.pi * ky * psi_hat))
    v = np.real(np.fft.ifft2(-2j * np.pi * kx * psi_hat))
    return np.stack([u, v], axis=-3)


def energy_spectrum(u, dim):
    """Shell sums of |u_hat|^2 / 2 (mean-normalized FFT), [..., shells]."""
    n = u.shape[-1]
    axes = tuple(range(-dim, 0))
    u_hat = np.fft.fftn(u, axes=axes) / n**dim
    density = 0.5 * np.sum(np.abs(u_hat) ** 2, axis=-dim - 1)
    k = np.sqrt(sum(g**2 for g in np.meshgrid(*([wavenumbers(n)] * dim), indexing="ij")))
    shell = np.rint(k).astype(int).ravel()
    shells = n // 2 + 1
    flat = density.reshape(density.shape[:-dim] + (-1,))
    spectrum = np.zeros(flat.shape[:-1] + (shells,))
    keep = shell < shells
    for s in range(shells):
        spectrum[..., s] = flat[..., (shell == s) & keep].sum(axis=-1)
    return spectrum


def increments(u, dim, separations):
    """Longitudinal increments per separation, all axes and positions pooled."""
    result = []
    for r in separations:
        parts = []
        for a in range(dim):
            component = np.take(u, a, axis=u.ndim - dim - 1)
            parts.append((np.roll(component, -r, axis=component.ndim - dim + a) - component).ravel())
        result.append(np.concatenate(parts))
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="the dataset the rollouts start from")
    parser.add_argument("--rollout", action="append", required=True, metavar="NAME=PREDICTIONS.h5")
    parser.add_argument("--out", required=True, help="output folder (statistics.h5 and PNG figures)")
    parser.add_argument("--kmax", type=int, default=0, help="largest shell compared (default: n/3, the 2/3 rule)")
    parser.add_argument("--separations", default="1,2,4", help="increment separations in grid cells")
    args = parser.parse_args()

    rollouts = []
    for item in args.rollout:
        name, sep, path = item.partition("=")
        if not sep or not name:
            fail(f"--rollout takes NAME=PREDICTIONS.h5, got '{item}'")
        rollouts.append((name, path))
    for path in [args.data] + [p for _, p in rollouts]:
        if not os.path.isfile(path):
            fail(f"{path}: no such file")

    data = h5py.File(args.data, "r")
    nu = float(np.asarray(data["params/nu"])[0]) if "params/nu" in data else 0.0
    data_times = np.asarray(data["times"])
    separations = [int(s) for s in args.separations.split(",")]
    summary = {"data": args.data, "nu": nu, "models": {}}
    os.makedirs(args.out, exist_ok=True)
    out = h5py.File(os.path.join(args.out, "statistics.h5.partial"), "w")
    truth_spectrum = truth_dissipation = truth_pdfs = None
    bins = np.linspace(-6, 6, 61)
    curves = {}

    for name, path in rollouts:
        pred_file = h5py.File(path, "r")
        fields = [k for k in pred_file["outputs"].keys() if k != "relative_l2_per_step"]
        if len(fields) != 1:
            fail(f"{path}: expected one predicted field in /outputs, found {fields}")
        field = "outputs/" + fields[0]
        prediction = np.asarray(pred_file[field], dtype=np.float64)
        samples = np.asarray(pred_file["params/sample"]).astype(int)
        dim = len(data["grid"].attrs["shape"])
        grid = prediction.shape[-1]
        steps = prediction.shape[1]
        if "times" not in pred_file:
            fail(f"{path}: no /times, so the rolled-out steps cannot be matched to the data's")
        times = np.asarray(pred_file["times"])
        offset = int(np.argmin(np.abs(data_times - times[0])))
        truth_full = np.asarray(data[field][samples[0] : samples[-1] + 1], dtype=np.float64)
        truth_full = truth_full[samples - samples[0], offset : offset + steps]
        # The evaluate stage keeps every k-th point: ceil(N / k) of N.
        n = truth_full.shape[-1]
        stride = next((k for k in range(1, n + 1) if -(-n // k) == grid), 0)
        if stride == 0:
            fail(f"{path}: a {grid}-point grid is no subsampling of the data's {n} points")
        index = (Ellipsis,) + (slice(None, None, stride),) * dim
        truth = truth_full[index]
        if truth.shape != prediction.shape:
            fail(f"{path}: predictions {prediction.shape} do not match the data {truth.shape}")

        u_pred, u_true = velocity(prediction, dim), velocity(truth, dim)
        e_pred = energy_spectrum(u_pred, dim).mean(axis=0)  # [steps, shells]
        e_true = energy_spectrum(u_true, dim).mean(axis=0)
        k = np.arange(e_true.shape[-1])
        kmax = args.kmax if args.kmax > 0 else grid // 3
        resolved = slice(1, kmax + 1)
        dissipation_pred = 2 * nu * ((2 * np.pi * k) ** 2 * e_pred).sum(-1)
        dissipation_true = 2 * nu * ((2 * np.pi * k) ** 2 * e_true).sum(-1)
        finite = bool(np.all(np.isfinite(prediction)))
        deviation_per_step = np.abs(e_pred[:, resolved] / e_true[:, resolved] - 1).max(axis=1)
        averaged_deviation = np.abs(e_pred.mean(0)[resolved] / e_true.mean(0)[resolved] - 1)
        std_true = [np.std(d) for d in increments(u_true, dim, separations)]
        pdf_pred = np.stack([np.histogram(d / s, bins=bins, density=True)[0]
                             for d, s in zip(increments(u_pred, dim, separations), std_true)])
        pdf_true = np.stack([np.histogram(d / s, bins=bins, density=True)[0]
                             for d, s in zip(increments(u_true, dim, separations), std_true)])
        l2 = np.asarray(pred_file["outputs/relative_l2_per_step"]).mean(axis=0)

        group = out.create_group(name)
        group["spectrum"] = e_pred
        group["dissipation"] = dissipation_pred
        group["increment_pdf"] = pdf_pred
        group["relative_l2_per_step"] = l2
        group["spectral_deviation_per_step"] = deviation_per_step
        group.attrs["time_averaged_spectral_deviation_max"] = float(averaged_deviation.max())
        if truth_spectrum is None:
            truth_spectrum, truth_dissipation, truth_pdfs = e_true, dissipation_true, pdf_true
            reference = out.create_group("truth")
            reference["spectrum"], reference["dissipation"] = e_true, dissipation_true
            reference["increment_pdf"] = pdf_true
            out["k"], out["bins"], out["separations"], out["times"] = k, bins, separations, times
            out.attrs["kmax_compared"] = kmax
            first = (steps, grid, offset)
        elif (steps, grid, offset) != first:
            fail(f"{path}: rollouts to compare must cover the same steps on the same grid")
        summary["models"][name] = {
            "steps": int(steps),
            "finite": finite,
            "relative_l2_first_step": float(l2[0]),
            "relative_l2_last_step": float(l2[-1]),
            "time_averaged_spectrum_max_deviation": float(averaged_deviation.max()),
            "spectrum_max_deviation_last_step": float(deviation_per_step[-1]),
            "spectrum_max_deviation_worst_step": float(deviation_per_step.max()),
            "dissipation_time_averaged_ratio": float(dissipation_pred.mean() / dissipation_true.mean()),
            "energy_last_step_ratio": float(e_pred[-1].sum() / e_true[-1].sum()),
        }
        curves[name] = (e_pred, dissipation_pred, pdf_pred, l2)
        summary["kmax_compared"] = kmax
        summary["grid"] = grid

    out.close()
    os.replace(os.path.join(args.out, "statistics.h5.partial"), os.path.join(args.out, "statistics.h5"))
    plot(args.out, curves, truth_spectrum, truth_dissipation, truth_pdfs, bins, separations, summary["kmax_compared"])
    print(json.dumps(summary, indent=2))


def plot(folder, curves, truth_spectrum, truth_dissipation, truth_pdfs, bins, separations, kmax):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    k = np.arange(truth_spectrum.shape[-1])
    fig, axes = plt.subplots(1, 4, figsize=(19, 4.2))
    axes[0].loglog(k[1:], truth_spectrum.mean(0)[1:], "k-", lw=2, label="truth")
    for name, (spectrum, dissipation, pdf, l2) in curves.items():
        axes[0].loglog(k[1:], spectrum.mean(0)[1:], "--", label=name)
        axes[1].plot(dissipation, label=name)
        axes[2].semilogy(0.5 * (bins[1:] + bins[:-1]), pdf[0], "--", label=f"{name}, r = {separations[0]}")
        axes[3].plot(l2, label=name)
    axes[0].axvline(kmax, color="grey", lw=0.8)
    axes[0].set(xlabel="k", ylabel="E(k), time-averaged", title="energy spectrum")
    axes[1].plot(truth_dissipation, "k-", lw=2, label="truth")
    axes[1].set(xlabel="rollout step", ylabel="dissipation rate", title="dissipation")
    axes[2].semilogy(0.5 * (bins[1:] + bins[:-1]), truth_pdfs[0], "k-", lw=2, label="truth")
    axes[2].set(xlabel="du / std(du_true)", ylabel="PDF", title="longitudinal increments")
    axes[3].set(xlabel="rollout step", ylabel="relative L2", title="rollout error")
    for ax in axes:
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(folder, "rollout_statistics.png"), dpi=110)


if __name__ == "__main__":
    main()
