#include "operators/models/dcdm/dcdm_net.hpp"

#include "core/error.hpp"

#include <torch/nn/functional/pooling.h>
#include <torch/nn/modules/conv.h>
#include <torch/torch.h>

namespace ff::operators {

DcdmNetImpl::DcdmNetImpl(const DcdmNetOptions& options, int dimension) : options_(options), dimension_(dimension) {
  FF_REQUIRE(dimension == 2 || dimension == 3, InputError, "model: the DCDM network is 2D or 3D, got {}D data",
             dimension);
  FF_REQUIRE(!options.convs.empty(), InputError, "model.convs: give at least one level");
  first_ = make_conv(1, options.filters, 3);
  register_module("first", first_.ptr());
  for (std::size_t l = 0; l < options.convs.size(); ++l) {
    const bool coarsest = l + 1 == options.convs.size();
    before_.emplace_back();
    after_.emplace_back();
    for (long k = 0; k < options.convs[l]; ++k) {
      before_[l].push_back(make_conv(options.filters, options.filters, 3));
      register_module("level" + std::to_string(l) + "_before" + std::to_string(k), before_[l].back().ptr());
      if (coarsest) continue;
      after_[l].push_back(make_conv(options.filters, options.filters, 3));
      register_module("level" + std::to_string(l) + "_after" + std::to_string(k), after_[l].back().ptr());
    }
  }
  last_ = make_conv(options.filters, 1, 1);
  register_module("last", last_.ptr());
}

torch::nn::AnyModule DcdmNetImpl::make_conv(long in, long out, long kernel) {
  const long padding = kernel / 2;
  if (dimension_ == 2)
    return torch::nn::AnyModule(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).padding(padding)));
  return torch::nn::AnyModule(torch::nn::Conv3d(torch::nn::Conv3dOptions(in, out, kernel).padding(padding)));
}

torch::Tensor DcdmNetImpl::run(std::vector<torch::nn::AnyModule>& convs, torch::Tensor x) {
  for (std::size_t k = 0; k < convs.size(); k += 2) {
    torch::Tensor y = torch::relu(convs[k].forward(x));
    x = k + 1 < convs.size() ? torch::relu(convs[k + 1].forward(y)) + x : y;
  }
  return x;
}

torch::Tensor DcdmNetImpl::level(std::size_t l, torch::Tensor x) {
  x = run(before_[l], x);
  if (after_[l].empty()) return x;
  torch::Tensor coarse = dimension_ == 2 ? torch::avg_pool2d(x, 2) : torch::avg_pool3d(x, 2);
  coarse = level(l + 1, coarse);
  for (int axis = 0; axis < dimension_; ++axis) coarse = coarse.repeat_interleave(2, 2 + axis);
  return run(after_[l], x + coarse);
}

torch::Tensor DcdmNetImpl::forward(torch::Tensor x) {
  const long divisor = 1L << (levels() - 1);
  for (int axis = 0; axis < dimension_; ++axis)
    FF_REQUIRE(x.size(2 + axis) % divisor == 0, InputError,
               "model.convs: {} levels need grid sizes divisible by {}, got {} along axis {}", levels(), divisor,
               x.size(2 + axis), axis);
  torch::Tensor direction = last_.forward(level(0, first_.forward(x)));
  return options_.input_skip ? direction + x : direction;
}

int64_t DcdmNetImpl::parameter_count() const {
  int64_t count = 0;
  for (const auto& p : parameters()) count += p.numel();
  return count;
}

}  // namespace ff::operators
