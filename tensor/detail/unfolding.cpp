#include "tensor/detail/unfolding.hpp"

#include "core/error.hpp"

#include <fmt/ranges.h>

namespace ff::tensor::detail {

Eigen::MatrixXd unfolding_transpose(const FullTensor& x, int mode) {
  long inner = 1;
  for (int m = 0; m < mode; ++m) inner *= x.shape[m];
  const long n = x.shape[mode];
  const long outer = x.size() / (inner * n);
  Eigen::MatrixXd t(inner * outer, n);
  // Entry (i_inner, i, i_outer) sits at i_inner + inner (i + n i_outer); each
  // run of `inner` entries is contiguous in both layouts.
  for (long o = 0; o < outer; ++o)
    for (long i = 0; i < n; ++i) t.col(i).segment(o * inner, inner) = x.values.segment(inner * (i + n * o), inner);
  return t;
}

void require_consistent(const FullTensor& t, const char* what) {
  FF_REQUIRE(t.order() == 2 || t.order() == 3, InputError, "{}: tensors of order 2 or 3 only, got order {}", what,
             t.order());
  long size = 1;
  for (int n : t.shape) {
    FF_REQUIRE(n >= 1, InputError, "{}: tensor shape [{}] has an empty mode", what, fmt::join(t.shape, ", "));
    size *= n;
  }
  FF_REQUIRE(t.values.size() == size, InputError, "{}: shape [{}] needs {} values, got {}", what,
             fmt::join(t.shape, ", "), size, t.values.size());
}

void require_consistent(const TuckerTensor& t, const char* what) {
  FF_REQUIRE(t.order() == 2 || t.order() == 3, InputError, "{}: Tucker tensors of order 2 or 3 only, got order {}",
             what, t.order());
  long core_size = 1;
  for (const auto& u : t.factors) {
    FF_REQUIRE(u.rows() >= 1 && u.cols() >= 1, InputError, "{}: a Tucker factor is empty ({} × {})", what, u.rows(),
               u.cols());
    core_size *= u.cols();
  }
  FF_REQUIRE(t.core.size() == core_size, InputError, "{}: Tucker ranks [{}] need a core of {} entries, got {}", what,
             fmt::join(t.ranks(), ", "), core_size, t.core.size());
}

void require_consistent(const CpTensor& t, const char* what) {
  FF_REQUIRE(t.order() == 2 || t.order() == 3, InputError, "{}: CP tensors of order 2 or 3 only, got order {}", what,
             t.order());
  for (const auto& a : t.factors)
    FF_REQUIRE(a.cols() == t.rank() && a.rows() >= 1, InputError,
               "{}: every CP factor needs one column per weight ({}), got {} × {}", what, t.rank(), a.rows(), a.cols());
}

}  // namespace ff::tensor::detail
