#include "solvers/sphere/legendre.hpp"

#include "core/error.hpp"

#include <cmath>

namespace ff::sphere {
namespace {
constexpr double pi = 3.14159265358979323846;
// P̄_mm below 2^−80 is carried scaled by 2^600; a scaled value is unscaled
// once its mantissa passes 2^520. Values below 2^−80 change no sum that a
// double holds, so the transforms skip them.
constexpr double tiny = 0x1p-80, huge = 0x1p520, unscale = 0x1p-600, upscale = 0x1p600;
}  // namespace

LegendreRecurrence::LegendreRecurrence(int lmax, int mmax) : lmax_(lmax), mmax_(mmax) {
  FF_REQUIRE(lmax >= 0 && mmax >= 0 && mmax <= lmax, InputError,
             "Legendre functions need 0 <= mmax <= lmax, got lmax {} and mmax {}", lmax, mmax);
  offset_.resize(mmax + 2);
  for (int m = 0; m <= mmax + 1; ++m) offset_[m] = triangular_offset(lmax, m);
  alpha_.assign(offset_[mmax + 1], 0.0);
  beta_.assign(offset_[mmax + 1], 0.0);
  step_.assign(offset_[mmax + 1], 0.0);
  norm_.assign(offset_[mmax + 1], 1.0);
  for (int m = 0; m <= mmax; ++m) {
    double* alpha = alpha_.data() + offset_[m];
    double* beta = beta_.data() + offset_[m];
    double* a = step_.data() + offset_[m];
    double* d = norm_.data() + offset_[m];
    for (int l = m + 1; l <= lmax; ++l) {
      const int i = l - m;
      const double l2 = double(l) * l, m2 = double(m) * m, k2 = double(l - 1) * (l - 1);
      alpha[i] = std::sqrt((4.0 * l2 - 1.0) / (l2 - m2));
      beta[i] = i == 1 ? 0.0 : std::sqrt((k2 - m2) / (4.0 * k2 - 1.0));
      d[i] = i == 1 ? 1.0 : alpha[i] * beta[i] * d[i - 2];
      a[i] = alpha[i] * d[i - 1] / d[i];
    }
  }
}

DiagonalLegendre diagonal_legendre(int mmax, const std::vector<double>& sin_theta) {
  DiagonalLegendre d;
  d.mmax = mmax;
  d.npoints = static_cast<int>(sin_theta.size());
  const long n = d.npoints;
  d.mantissa.resize((mmax + 1) * n);
  d.scale.assign((mmax + 1) * n, 0);
  for (long j = 0; j < n; ++j) d.mantissa[j] = 1.0 / std::sqrt(4.0 * pi);
  for (int m = 1; m <= mmax; ++m) {
    // P̄_mm = −√((2m+1)/(2m)) sin θ P̄_{m−1,m−1}
    const double factor = -std::sqrt((2.0 * m + 1.0) / (2.0 * m));
    for (long j = 0; j < n; ++j) {
      double p = d.mantissa[(m - 1) * n + j] * factor * sin_theta[j];
      int s = d.scale[(m - 1) * n + j];
      if (p != 0.0 && std::abs(p) < tiny) {
        p *= upscale;
        ++s;
      }
      d.mantissa[m * n + j] = p;
      d.scale[m * n + j] = s;
    }
  }
  return d;
}

std::vector<double> legendre_values(int lmax, int mmax, const std::vector<double>& cos_theta,
                                    const std::vector<double>& sin_theta) {
  FF_REQUIRE(cos_theta.size() == sin_theta.size(), InputError, "cos θ and sin θ differ in length");
  const LegendreRecurrence rec(lmax, mmax);
  const DiagonalLegendre diag = diagonal_legendre(mmax, sin_theta);
  const long n = static_cast<long>(cos_theta.size());
  std::vector<double> values(triangular_size(lmax, mmax) * n, 0.0);
  for (int m = 0; m <= mmax; ++m) {
    const double* alpha = rec.alpha(m);
    const double* beta = rec.beta(m);
    for (long j = 0; j < n; ++j) {
      double prev = 0.0, cur = diag.mantissa[m * n + j];
      int scale = diag.scale[m * n + j];
      for (int l = m; l <= lmax; ++l) {
        if (l > m) {
          const double next = alpha[l - m] * (cos_theta[j] * cur - beta[l - m] * prev);
          prev = cur;
          cur = next;
          if (scale > 0 && std::abs(cur) > huge) {
            cur *= unscale;
            prev *= unscale;
            --scale;
          }
        }
        values[triangular_index(lmax, l, m) * n + j] = scale == 0 ? cur : 0.0;
      }
    }
  }
  return values;
}

}  // namespace ff::sphere
