#include "solvers/spectral/recording.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cmath>

namespace ff::spectral {
namespace {

// `ratio` rounded, when it is a whole number up to round-off of the inputs.
long whole_ratio(double ratio) {
  const long whole = std::lround(ratio);
  return std::abs(ratio - whole) <= 1e-9 * std::max(1.0, ratio) ? whole : -1;
}

}  // namespace

std::vector<double> record_times(double final_time, double record_every, double spin_up) {
  FF_REQUIRE(spin_up >= 0 && spin_up < final_time, InputError, "spin_up = {} must lie in [0, final_time = {})", spin_up,
             final_time);
  const long count = whole_ratio((final_time - spin_up) / record_every);
  FF_REQUIRE(count >= 1, InputError, "final_time - spin_up = {} is not a whole multiple of record_every = {}",
             final_time - spin_up, record_every);
  // Every record holds the whole stored field of every sample; a count past
  // this bound is a typo, and checking it here keeps `validate` from
  // allocating the times of a billion records.
  constexpr long max_records = 100000;
  FF_REQUIRE(count <= max_records, InputError,
             "(final_time - spin_up) / record_every = {} / {} gives {} records, more than the {} a dataset may hold",
             final_time - spin_up, record_every, count, max_records);
  std::vector<double> times(count);
  for (long k = 0; k < count; ++k) times[k] = spin_up + (k + 1) * record_every;
  times.back() = final_time;
  return times;
}

long steps_between(double interval, double step, const char* interval_key, const char* step_key) {
  const long steps = whole_ratio(interval / step);
  FF_REQUIRE(steps >= 1, InputError, "{} = {} is not a whole multiple of {} = {}", interval_key, interval, step_key,
             step);
  return steps;
}

int subsampling_stride(int n, long store_n) {
  FF_REQUIRE(store_n >= 1 && store_n <= n && n % store_n == 0, InputError, "store_n = {} must divide grid.n = {}",
             store_n, n);
  return static_cast<int>(n / store_n);
}

Recording make_recording(int n, long store_n, double final_time, double record_every, double spin_up) {
  Recording r;
  r.stride = subsampling_stride(n, store_n);
  r.store_n = n / r.stride;
  r.times = record_times(final_time, record_every, spin_up);
  return r;
}

void subsample(const double* fine, int dim, int n, int stride, double* coarse) {
  const int m = n / stride;
  const long fine_plane = static_cast<long>(n) * n, coarse_plane = static_cast<long>(m) * m;
  if (dim == 1) {
    for (int i = 0; i < m; ++i) coarse[i] = fine[static_cast<long>(i) * stride];
  } else if (dim == 2) {
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < m; ++j)
        coarse[static_cast<long>(i) * m + j] = fine[static_cast<long>(i) * stride * n + j * stride];
  } else {
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < m; ++j)
        for (int k = 0; k < m; ++k)
          coarse[i * coarse_plane + static_cast<long>(j) * m + k] =
              fine[static_cast<long>(i) * stride * fine_plane + static_cast<long>(j) * stride * n + k * stride];
  }
}

}  // namespace ff::spectral
