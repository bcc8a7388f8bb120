// Tensor shapes in error messages: "[20, 1, 64, 64]".
#pragma once

#include <torch/types.h>

#include <string>

namespace ff::operators {

inline std::string shape_of(const torch::Tensor& t) {
  std::string text = "[";
  for (int64_t a = 0; a < t.dim(); ++a) text += (a ? ", " : "") + std::to_string(t.size(a));
  return text + "]";
}

}  // namespace ff::operators
