// Orthonormal associated Legendre functions P̄_lm(x), x = cos θ:
//
//   ∫_{-1}^{1} P̄_lm(x) P̄_l'm(x) dx = δ_ll' / (2π),
//
// so Y_lm(θ, φ) = P̄_lm(cos θ) e^{imφ} is orthonormal on the unit sphere. The
// Condon–Shortley phase (−1)^m is included (as in libsharp and HEALPix).
// They are computed by the stable three-term recurrence in l at fixed m,
//
//   P̄_mm     = (−1)^m √((2m+1)/(4π) · Π_{k=1..m} (2k−1)/(2k)) sin^m θ,
//   P̄_lm     = α_lm (x P̄_{l−1,m} − β_lm P̄_{l−2,m}),
//   α_lm     = √((4l² − 1)/(l² − m²)),  β_lm = √(((l−1)² − m²)/(4(l−1)² − 1)),
//
// which starts at P̄_{m+1,m} = √(2m+3) x P̄_mm (β = 0). The transforms run it
// for Q_l = P̄_lm / d_l with d_l = α_l β_l d_{l−2} (d_m = d_{m+1} = 1), which
// saves a multiplication per step:
//
//   Q_l = A_l x Q_{l−1} − Q_{l−2},   A_l = α_l d_{l−1} / d_l.
//
// sin^m θ underflows at high m near the poles, so P̄_mm is carried as a
// mantissa and a power of 2^600 (see legendre_kernels.cpp).
#pragma once

#include <vector>

namespace ff::sphere {

class LegendreRecurrence {
 public:
  LegendreRecurrence(int lmax, int mmax);
  int lmax() const { return lmax_; }
  int mmax() const { return mmax_; }
  // α_lm and β_lm for l = m..lmax, indexed by l − m (entry 0 unused).
  const double* alpha(int m) const { return alpha_.data() + offset_[m]; }
  const double* beta(int m) const { return beta_.data() + offset_[m]; }
  // A_l and d_l of the normalized recurrence, indexed by l − m.
  const double* step_coefficient(int m) const { return step_.data() + offset_[m]; }
  const double* normalization(int m) const { return norm_.data() + offset_[m]; }

 private:
  int lmax_, mmax_;
  std::vector<long> offset_;
  std::vector<double> alpha_, beta_, step_, norm_;
};

// P̄_mm at the given sin θ values for m = 0..mmax, as mantissa[m][j] ·
// 2^(−600·scale[m][j]): values below 2^−80 are scaled up by 2^600 as often as
// needed. Built by the product over m, so no digit is lost to underflow.
// While a value is scaled it is below 2^−80 and counts as zero.
struct DiagonalLegendre {
  int mmax = 0, npoints = 0;
  std::vector<double> mantissa;  // [m · npoints + j]
  std::vector<int> scale;
};
DiagonalLegendre diagonal_legendre(int mmax, const std::vector<double>& sin_theta);

// P̄_lm(x_j) for every l ≤ lmax, m ≤ min(l, mmax), laid out [offset(m) + (l − m)] · n + j
// with offset(m) = m (2 lmax + 3 − m) / 2; values still scaled (below 2^−80) are returned as 0.
// For tests, the precomputed-table transform and the SFNO's Legendre matrices.
std::vector<double> legendre_values(int lmax, int mmax, const std::vector<double>& cos_theta,
                                    const std::vector<double>& sin_theta);

// Index of (l, m) in the m-major triangular layout used by all of ff::sphere.
inline long triangular_offset(int lmax, int m) { return static_cast<long>(m) * (2 * lmax + 3 - m) / 2; }
inline long triangular_index(int lmax, int l, int m) { return triangular_offset(lmax, m) + (l - m); }
inline long triangular_size(int lmax, int mmax) { return triangular_offset(lmax, mmax + 1); }

}  // namespace ff::sphere
