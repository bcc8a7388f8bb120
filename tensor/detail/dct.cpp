#include "tensor/detail/dct.hpp"

#include "core/error.hpp"

#include <fftw3.h>

#include <limits>
#include <memory>
#include <mutex>
#include <type_traits>

namespace ff::tensor::detail {
namespace {

// FFTW's planner (plan creation and destruction) is not thread-safe.
std::mutex& planner_mutex() {
  static std::mutex m;
  return m;
}

struct PlanDeleter {
  void operator()(fftw_plan plan) const {
    std::lock_guard<std::mutex> lock(planner_mutex());
    fftw_destroy_plan(plan);
  }
};
using Plan = std::unique_ptr<std::remove_pointer_t<fftw_plan>, PlanDeleter>;

long product(const std::vector<int>& shape, int begin, int end) {
  long p = 1;
  for (int m = begin; m < end; ++m) p *= shape[m];
  return p;
}

}  // namespace

void chebyshev_transform(double* data, const std::vector<int>& shape, int axis) {
  const int order = static_cast<int>(shape.size());
  FF_REQUIRE(axis >= 0 && axis < order, RunError, "Chebyshev transform along axis {} of a {}-D array", axis, order);
  const int n = shape[axis];
  const long inner = product(shape, 0, axis);
  const long outer = product(shape, axis + 1, order);
  if (inner * outer == 0) return;
  FF_REQUIRE(inner * n * outer <= std::numeric_limits<int>::max(), InputError,
             "Chebyshev transform of {} values: FFTW's strides are int, at most {}", inner * n * outer,
             std::numeric_limits<int>::max());

  // One transform of length n with stride `inner`, repeated over the inner
  // indices (stride 1) and the outer ones (stride inner·n): the guru interface
  // covers every axis of the array in one plan, without transposing it.
  const fftw_iodim dim{n, static_cast<int>(inner), static_cast<int>(inner)};
  fftw_iodim loops[2];
  int loop_count = 0;
  if (inner > 1) loops[loop_count++] = fftw_iodim{static_cast<int>(inner), 1, 1};
  if (outer > 1)
    loops[loop_count++] = fftw_iodim{static_cast<int>(outer), static_cast<int>(inner * n), static_cast<int>(inner * n)};
  const fftw_r2r_kind kind = FFTW_REDFT10;
  Plan plan;
  {
    // FFTW_ESTIMATE leaves `data` untouched while planning and picks the same
    // algorithm on every run, so results do not depend on timing.
    std::lock_guard<std::mutex> lock(planner_mutex());
    plan.reset(fftw_plan_guru_r2r(1, &dim, loop_count, loops, data, data, &kind, FFTW_ESTIMATE));
  }
  FF_REQUIRE(plan, RunError, "FFTW could not plan a DCT-II of length {} over {} fibres", n, inner * outer);
  fftw_execute(plan.get());

  // REDFT10 gives Y_k = 2 Σ_j f_j cos(π k (j + 1/2) / n): c_k = Y_k / n, c_0 = Y_0 / (2n).
  const double scale = 1.0 / n;
  for (long o = 0; o < outer; ++o) {
    double* block = data + o * inner * n;
    for (long i = 0; i < inner; ++i) block[i] *= 0.5 * scale;
    for (long i = inner; i < inner * n; ++i) block[i] *= scale;
  }
}

}  // namespace ff::tensor::detail
