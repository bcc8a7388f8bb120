// Values at Chebyshev–Gauss nodes → Chebyshev coefficients along one axis of
// a dense array, by one FFTW DCT-II (REDFT10) over all the other indices.
#pragma once

#include <vector>

namespace ff::tensor::detail {

// `data` has shape `shape` (first index fastest). Along `axis`, each fibre
// f_j = f(t_j), t_j = cos(π (j + 1/2) / N), N = shape[axis], is replaced in
// place by c_k = (2 − δ_k0) / N · Σ_j f_j cos(π k (j + 1/2) / N).
void chebyshev_transform(double* data, const std::vector<int>& shape, int axis);

}  // namespace ff::tensor::detail
