#!/usr/bin/env python3
"""PyTorch reference for the NS 2D step benchmark: the pseudo-spectral
Crank-Nicolson generator of the FNO paper's Navier-Stokes data (vorticity form
on the unit torus, u = (psi_y, -psi_x), -Laplacian psi = w, Crank-Nicolson for
nu Laplacian, Heun predictor-corrector for the advection term, 2/3 dealiasing
of the nonlinear term, forcing f = 0.1 (sin 2pi(x+y) + cos 2pi(x+y))), written
with torch.fft on the CPU in float64.

It follows fieldforge's solvers/spectral/navier_stokes_2d.cpp term by term so
the two agree to round-off:
  - coefficients are Fourier coefficients (rfft2 with norm="forward", so the
    inverse is an unscaled sum), layout (n, n//2+1), first axis x = i/n;
  - derivative wavenumbers 2 pi k are 0 at the Nyquist index n/2 on each axis
    (an odd derivative of a real field has no Nyquist part), while |2 pi k|^2
    keeps the Nyquist wavenumber;
  - the dealiasing mask keeps 3|k_a| < n on both axes (for n = 256 or 1024 the
    same modes as the FNO code's |k_a| <= (2/3) floor(n/2));
  - N(w) = -(u w_x + v w_y) transformed and masked; then
        w* = ((1 + dt L/2) w + dt (f + N(w))) / (1 - dt L/2)
        w' = ((1 + dt L/2) w + dt (f + (N(w) + N(w*))/2)) / (1 - dt L/2)
    with L = -nu |2 pi k|^2, as in the FNO generator (which writes F = -N).

    ns2d_reference.py N STEPS WARMUP THREADS INIT_FILE FINAL_FILE_FROM_FIELDFORGE [REPEATS]

Reads w0 (N*N little-endian float64, as bench_ns2d_step writes it), takes
WARMUP untimed steps, then times STEPS steps from w0 (best of REPEATS, default
3) on THREADS threads, and compares its final field with fieldforge's.
Prints one JSON object: seconds_per_step and max_relative_difference =
max|a - b| / max|b| (b: fieldforge).
"""
import json
import math
import sys
import time

import numpy as np
import torch


class NavierStokes2D:
    def __init__(self, n, nu=1e-3, dt=1e-4):
        self.n, self.dt = n, dt
        k = np.arange(n)
        kx = np.where(k <= n // 2, k, k - n).astype(np.float64)  # first axis, full
        ky = np.arange(n // 2 + 1, dtype=np.float64)  # last axis, half spectrum
        kx2, ky2 = np.meshgrid(kx, ky, indexing="ij")
        kappa_squared = 4 * math.pi * math.pi * (kx2 * kx2 + ky2 * ky2)
        dkx = np.where(np.abs(kx2) == n / 2, 0.0, 2 * math.pi * kx2)  # no Nyquist derivative
        dky = np.where(ky2 == n / 2, 0.0, 2 * math.pi * ky2)
        dealias = ((3 * np.abs(kx2) < n) & (3 * ky2 < n)).astype(np.float64)
        half_step_l = 0.5 * dt * (-nu * kappa_squared)
        inv_k2 = np.divide(1.0, kappa_squared, out=np.zeros_like(kappa_squared), where=kappa_squared > 0)

        t = lambda a: torch.from_numpy(np.ascontiguousarray(a))
        self.i_kx = t(1j * dkx)  # i kappa_x, complex128
        self.i_ky = t(1j * dky)
        self.inv_k2 = t(inv_k2)
        self.dealias = t(dealias)
        self.explicit = t(1.0 + half_step_l)
        self.implicit = t(1.0 / (1.0 - half_step_l))

        x = np.arange(n) / n
        xx, yy = np.meshgrid(x, x, indexing="ij")
        f = 0.1 * (np.sin(2 * math.pi * (xx + yy)) + np.cos(2 * math.pi * (xx + yy)))
        self.f_hat = self.fft(t(f))

    def fft(self, w):
        return torch.fft.rfft2(w, norm="forward")

    def ifft(self, w_hat):
        return torch.fft.irfft2(w_hat, s=(self.n, self.n), norm="forward")

    def advection(self, w_hat):
        """Dealiased spectrum of -u.grad(w)."""
        psi_hat = w_hat * self.inv_k2
        u = self.ifft(self.i_ky * psi_hat)  # psi_y
        v = self.ifft(-self.i_kx * psi_hat)  # -psi_x
        wx = self.ifft(self.i_kx * w_hat)
        wy = self.ifft(self.i_ky * w_hat)
        return self.fft(-(u * wx + v * wy)) * self.dealias

    def advance(self, w_hat, steps):
        dt = self.dt
        for _ in range(steps):
            n0 = self.advection(w_hat)
            predictor = (self.explicit * w_hat + dt * (self.f_hat + n0)) * self.implicit
            n1 = self.advection(predictor)
            w_hat = (self.explicit * w_hat + dt * (self.f_hat + 0.5 * (n0 + n1))) * self.implicit
        return w_hat


def read_field(path, n):
    return np.fromfile(path, dtype="<f8").reshape(n, n)


def main():
    if len(sys.argv) < 7:
        sys.exit(__doc__)
    n, steps, warmup, threads = (int(a) for a in sys.argv[1:5])
    init_file, fieldforge_final = sys.argv[5], sys.argv[6]
    repeats = int(sys.argv[7]) if len(sys.argv) > 7 else 3
    torch.set_num_threads(threads)

    with torch.inference_mode():
        solver = NavierStokes2D(n)
        w0_hat = solver.fft(torch.from_numpy(read_field(init_file, n)))
        solver.advance(w0_hat, warmup)
        runs = []
        for _ in range(repeats):
            start = time.perf_counter()
            w_hat = solver.advance(w0_hat, steps)
            runs.append((time.perf_counter() - start) / steps)
        ours = solver.ifft(w_hat).numpy()

    theirs = read_field(fieldforge_final, n)
    difference = float(np.max(np.abs(ours - theirs)) / np.max(np.abs(theirs)))
    print(json.dumps({"n": n, "steps": steps, "warmup_steps": warmup, "threads": torch.get_num_threads(),
                      "seconds_per_step": min(runs), "seconds_per_step_runs": runs,
                      "max_relative_difference": difference,
                      "max_abs_w": float(np.max(np.abs(theirs)))}))


if __name__ == "__main__":
    main()
