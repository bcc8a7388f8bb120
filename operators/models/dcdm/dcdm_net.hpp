// The convolutional network of the deep conjugate-direction method (after
// Kaneda et al., ICML 2023): every layer a 3×3(×3) convolution of `filters`
// channels with ReLU, residual additions every two convolutions, average
// pooling by 2 between levels with nearest-neighbour upsampling and an
// additive skip from the finer level, a linear first convolution 1 →
// filters and a final 1×1(×1) convolution filters → 1.
//
// `convs` counts the convolutions per level, finest first: a level other
// than the coarsest runs that many before pooling and as many again after
// the coarser level's result is added back; the coarsest runs its count
// once. The paper's 64³ network is convs [4, 6] (97,457 parameters in 3D),
// its 128³ one [6, 10] (152,881). Fully convolutional: any grid whose size
// per axis divides by 2^(levels−1) works.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/pimpl.h>

#include <vector>

namespace ff::operators {

struct DcdmNetOptions {
  std::vector<long> convs{4, 6};
  long filters = 16;
  // f(b) = b + network(b): the untrained network is then the residual
  // direction (steepest descent; CG inside DCDM) instead of a random map.
  // Not in the paper; see README.md for why it is here.
  bool input_skip = false;
};

class DcdmNetImpl : public torch::nn::Module {
 public:
  DcdmNetImpl(const DcdmNetOptions& options, int dimension);

  // [batch, 1, n...] -> [batch, 1, n...]
  torch::Tensor forward(torch::Tensor x);

  int dimension() const { return dimension_; }
  long levels() const { return static_cast<long>(options_.convs.size()); }
  int64_t parameter_count() const;

 private:
  torch::nn::AnyModule make_conv(long in, long out, long kernel);
  // Convolutions `convs` in sequence with ReLU, a residual every two.
  torch::Tensor run(std::vector<torch::nn::AnyModule>& convs, torch::Tensor x);
  torch::Tensor level(std::size_t l, torch::Tensor x);

  DcdmNetOptions options_;
  int dimension_;
  torch::nn::AnyModule first_, last_;
  std::vector<std::vector<torch::nn::AnyModule>> before_, after_;  // per level; after_ empty at the coarsest
};
TORCH_MODULE(DcdmNet);

}  // namespace ff::operators
