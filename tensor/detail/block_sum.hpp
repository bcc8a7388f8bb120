// Sums of matrix-valued contributions over blocks of terms (CP terms, Gram
// blocks), spread over OpenMP threads with one partial sum per thread. The
// partials are added in thread order after the loop, and blocks are assigned
// statically, so a result depends on the thread count but never on timing.
#pragma once

#include <omp.h>
#include <Eigen/Dense>

#include <vector>

namespace ff::tensor::detail {

// result += Σ_{b < blocks} contribution(b). make_worker() is called once per
// thread and returns a callable worker(b, partial) that adds block b's
// contribution to `partial` (zero-initialised, result's size); the worker can
// own scratch memory that lives as long as the thread's share of the loop.
template <class MakeWorker>
void sum_over_blocks(long blocks, Eigen::Ref<Eigen::MatrixXd> result, MakeWorker&& make_worker) {
  std::vector<Eigen::MatrixXd> partials(omp_get_max_threads());
#pragma omp parallel
  {
    Eigen::MatrixXd& partial = partials[omp_get_thread_num()];
    partial = Eigen::MatrixXd::Zero(result.rows(), result.cols());
    auto worker = make_worker();
#pragma omp for schedule(static)
    for (long b = 0; b < blocks; ++b) worker(b, partial);
  }
  for (const auto& partial : partials)
    if (partial.size() > 0) result += partial;
}

}  // namespace ff::tensor::detail
