#!/usr/bin/env python3
"""The FNO paper's Navier-Stokes data generator, as its code takes the steps.

A reimplementation, for benchmarks and the reproduction test, of
data_generation/navier_stokes/ns_2d.py and random_fields.py (GaussianRF) in
the neuraloperator project (Li et al., ICLR 2021). What that code does, and
this file does the same way:
  - vorticity form on the unit torus, psi = w / (4 pi^2 |k|^2) (with the
    k = 0 entry divided by 1), u = psi_y, v = -psi_x;
  - real-to-complex 2D FFTs in float32: the original calls
    torch.rfft(..., onesided=False) and irfft(..., onesided=False) compute a
    real-to-complex transform (the other half filled by symmetry) and a
    complex-to-real one from half the spectrum; the project's current
    version writes them as torch.fft.rfft2 / irfft2, as here. So the
    x-derivative keeps the Nyquist row k_x = -n/2;
  - per step ONE explicit evaluation of F = u w_x + v w_y, dealiased by the
    mask |k_x|, |k_y| <= (2/3) floor(n/2), and Crank-Nicolson for diffusion
    and forcing:
        w <- (-dt F + dt f + (1 - dt nu lap / 2) w) / (1 + dt nu lap / 2)
  - forcing f = 0.1 (sin 2pi(x+y) + cos 2pi(x+y)) on x, y = linspace(0,1,n+1)[:-1];
  - records every floor(steps / record_steps) steps;
  - initial vorticity from GaussianRF(2, n, alpha=2.5, tau=7): coefficients
    n^2 sqrt(2) sigma (4 pi^2 |k|^2 + tau^2)^(-alpha/2) (xi_r + i xi_i) with
    sigma = tau^(alpha - 1), mode 0 dropped, the real part of their ifft2;
  - batches of 20 samples.

Usage:
  ns2d_fno_generator.py time N BATCH STEPS WARMUP THREADS
      Times STEPS steps (after WARMUP) of a batch of GaussianRF initial
      fields at nu = 1e-3, dt = 1e-4; prints JSON with seconds_per_step
      (for the batch) and seconds_per_sample_step.
  ns2d_fno_generator.py compare N BATCH STEPS WARMUP THREADS W0_FILE FINAL_FILE
      The same timing from the field in W0_FILE (repeated BATCH times), and
      max|a - b| / max|b| between its final field and the one in FINAL_FILE
      (b; both n*n float64 as below).
  ns2d_fno_generator.py run W0_FILE N NU T DT RECORD_STEPS OUT_FILE
      Runs from the n*n float64 field in W0_FILE (little endian, row-major,
      first index x) and writes the RECORD_STEPS recorded fields as float64.
"""
import json
import math
import sys
import time

import numpy as np
import torch


def wavenumbers(n):
    """k_x (first axis) and k_y (last axis) on the full n x n spectrum, in
    the generator's order 0 .. n/2-1, -n/2 .. -1."""
    k_max = n // 2
    k = torch.cat((torch.arange(0, k_max), torch.arange(-k_max, 0))).repeat(n, 1)
    return k.transpose(0, 1), k


def half_wavenumbers(n):
    """The same on the half spectrum n x (n/2 + 1) of rfft2 (its last column
    is k_y = -n/2, as in the generator)."""
    k_x, k_y = wavenumbers(n)
    return k_x[..., : n // 2 + 1], k_y[..., : n // 2 + 1]


def gaussian_rf(batch, n, alpha=2.5, tau=7.0, generator=None):
    k_x, k_y = wavenumbers(n)
    sigma = tau ** (0.5 * (2 * alpha - 2))
    sqrt_eig = n * n * math.sqrt(2.0) * sigma * (4 * math.pi ** 2 * (k_x ** 2 + k_y ** 2) + tau ** 2) ** (-alpha / 2)
    sqrt_eig[0, 0] = 0.0
    xi = torch.randn(batch, n, n, 2, generator=generator)
    coefficients = torch.complex(sqrt_eig * xi[..., 0], sqrt_eig * xi[..., 1])
    return torch.fft.ifft2(coefficients).real.float()


def fno_forcing(n):
    t = torch.linspace(0, 1, n + 1)[:-1]
    x, y = torch.meshgrid(t, t, indexing="ij")
    return 0.1 * (torch.sin(2 * math.pi * (x + y)) + torch.cos(2 * math.pi * (x + y)))


def navier_stokes_2d(w0, f, visc, final_time, delta_t, record_steps):
    """w0: [batch, n, n] float32 as in the generator (float64 promotes the
    state, the constants stay float32). Returns [batch, n, n, record_steps]
    and the times."""
    n = w0.shape[-1]
    k_max = n // 2
    steps = math.ceil(final_time / delta_t)
    w_h = torch.fft.rfft2(w0)
    f_h = torch.fft.rfft2(f).unsqueeze(0)
    record_time = steps // record_steps
    k_x, k_y = half_wavenumbers(n)
    lap = 4 * math.pi ** 2 * (k_x ** 2 + k_y ** 2)
    lap[0, 0] = 1.0
    dealias = ((torch.abs(k_y) <= (2.0 / 3.0) * k_max) & (torch.abs(k_x) <= (2.0 / 3.0) * k_max)).float().unsqueeze(0)
    two_pi_i_kx, two_pi_i_ky = 2j * math.pi * k_x, 2j * math.pi * k_y
    explicit, implicit = 1.0 - 0.5 * delta_t * visc * lap, 1.0 + 0.5 * delta_t * visc * lap
    solution = torch.zeros(*w0.shape, record_steps, dtype=w0.dtype)
    times = torch.zeros(record_steps)
    c, t = 0, 0.0
    for j in range(steps):
        psi_h = w_h / lap
        q = torch.fft.irfft2(two_pi_i_ky * psi_h, s=(n, n))
        v = torch.fft.irfft2(-two_pi_i_kx * psi_h, s=(n, n))
        w_x = torch.fft.irfft2(two_pi_i_kx * w_h, s=(n, n))
        w_y = torch.fft.irfft2(two_pi_i_ky * w_h, s=(n, n))
        F_h = dealias * torch.fft.rfft2(q * w_x + v * w_y)
        w_h = (-delta_t * F_h + delta_t * f_h + explicit * w_h) / implicit
        t += delta_t
        if (j + 1) % record_time == 0:
            solution[..., c] = torch.fft.irfft2(w_h, s=(n, n))
            times[c] = t
            c += 1
    return solution, times


def time_steps(w0, steps, warmup, threads):
    """Best of 3 runs of STEPS steps from w0 [batch, n, n] at nu 1e-3, dt 1e-4
    (after WARMUP untimed steps): (seconds per batch step, final fields)."""
    torch.set_num_threads(threads)
    f = fno_forcing(w0.shape[-1])
    navier_stokes_2d(w0, f, 1e-3, warmup * 1e-4, 1e-4, 1)
    best, final = math.inf, None
    for _ in range(3):
        start = time.perf_counter()
        final, _ = navier_stokes_2d(w0, f, 1e-3, steps * 1e-4, 1e-4, 1)
        best = min(best, (time.perf_counter() - start) / steps)
    return best, final[..., -1]


def report(n, batch, seconds, **extra):
    print(json.dumps(dict({"n": n, "batch": batch, "threads": torch.get_num_threads(), "seconds_per_step": seconds,
                           "seconds_per_sample_step": seconds / batch, "dtype": "float32"}, **extra)))


def run_from_file(w0_file, n, nu, final_time, dt, record_steps, out_file):
    torch.set_num_threads(1)
    w0 = torch.from_numpy(np.fromfile(w0_file, dtype="<f8").reshape(1, n, n)).float()
    solution, _ = navier_stokes_2d(w0, fno_forcing(n), nu, final_time, dt, record_steps)
    solution[0].permute(2, 0, 1).double().numpy().astype("<f8").tofile(out_file)


if __name__ == "__main__":
    a = sys.argv
    if len(a) == 7 and a[1] == "time":
        n, batch, steps, warmup, threads = (int(v) for v in a[2:7])
        w0 = gaussian_rf(batch, n, generator=torch.Generator().manual_seed(0))
        report(n, batch, time_steps(w0, steps, warmup, threads)[0])
    elif len(a) == 9 and a[1] == "compare":
        n, batch, steps, warmup, threads = (int(v) for v in a[2:7])
        w0 = torch.from_numpy(np.fromfile(a[7], dtype="<f8").reshape(1, n, n)).float().repeat(batch, 1, 1)
        seconds, final = time_steps(w0, steps, warmup, threads)
        theirs = np.fromfile(a[8], dtype="<f8").reshape(n, n)
        ours = final[0].double().numpy()
        report(n, batch, seconds, max_relative_difference=float(np.abs(ours - theirs).max() / np.abs(theirs).max()))
    elif len(a) == 9 and a[1] == "run":
        run_from_file(a[2], int(a[3]), float(a[4]), float(a[5]), float(a[6]), int(a[7]), a[8])
    else:
        sys.exit(__doc__)
