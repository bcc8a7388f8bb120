// Mode unfoldings of dense tensors and the shape checks shared by the Tucker
// algorithms.
#pragma once

#include "tensor/tucker.hpp"

#include <Eigen/Dense>

namespace ff::tensor::detail {

// Transpose of the mode-m unfolding: (Π_{k≠m} n_k) × n_m, its row index the
// other indices with the first fastest. The orientation QR-based SVDs want.
Eigen::MatrixXd unfolding_transpose(const FullTensor& x, int mode);

// InputError unless the tensor is order 2 or 3 with factors and core of consistent sizes.
void require_consistent(const TuckerTensor& t, const char* what);
void require_consistent(const CpTensor& t, const char* what);
void require_consistent(const FullTensor& t, const char* what);

}  // namespace ff::tensor::detail
