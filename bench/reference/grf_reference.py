#!/usr/bin/env python3
"""numpy reference for the GRF benchmark: the same sampler as fieldforge's
solvers/fourier/grf.cpp (Fourier coefficients sqrt(lambda_k) xi_k with
lambda_k = sigma^2 (4 pi^2 |k|^2 + tau^2)^(-alpha), conjugate symmetry in the
planes numpy's rfft stores whole, unnormalised inverse rFFT), timed the same
way. Prints one JSON object like bench_grf.

    grf_reference.py N MIN_SAMPLES MIN_SECONDS
"""
import json
import sys
import time

import numpy as np


def sampler(n, alpha=2.0, tau=3.0, sigma=1.0):
    k0 = np.fft.fftfreq(n, 1.0 / n)
    k1 = np.arange(n // 2 + 1)
    k2 = k0[:, None] ** 2 + k1[None, :] ** 2
    variance = sigma**2 * (4 * np.pi**2 * k2 + tau**2) ** (-alpha)
    variance[0, 0] = 0.0  # zero mean, as in the FNO protocol
    scale = np.sqrt(variance)
    minus_k0 = (-np.arange(n)) % n
    planes = [0] + ([n // 2] if n % 2 == 0 else [])
    rng = np.random.default_rng(1)

    def sample():
        xi = (rng.standard_normal((n, n // 2 + 1)) + 1j * rng.standard_normal((n, n // 2 + 1))) / np.sqrt(2)
        for p in planes:  # -k is stored in the same plane: make the pair conjugate
            column = xi[:, p]
            upper = np.arange(n) > minus_k0
            column[upper] = np.conj(column[minus_k0[upper]])
            self_conjugate = np.arange(n) == minus_k0
            column[self_conjugate] = column[self_conjugate].real * np.sqrt(2)
        return np.fft.irfft2(scale * xi, s=(n, n), norm="forward")

    return sample, variance.sum() + variance[:, 1 : (n + 1) // 2].sum()


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 256
    min_samples = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    min_seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 2.0
    sample, total_variance = sampler(n)
    samples, sum_sq = 0, 0.0
    start = time.perf_counter()
    elapsed = 0.0
    while samples < min_samples or elapsed < min_seconds:
        u = sample()
        sum_sq += float(np.sum(u * u))
        samples += 1
        elapsed = time.perf_counter() - start
    print(json.dumps({"n": n, "samples": samples, "seconds": elapsed, "rate": samples / elapsed,
                      "variance_ratio": sum_sq / (samples * n * n) / total_variance}))


if __name__ == "__main__":
    main()
