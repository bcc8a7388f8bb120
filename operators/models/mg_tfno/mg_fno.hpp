// Multi-grid domain decomposition around an FNO/TFNO (MG-TFNO, Kossaifi et
// al., 2023). The field is cut into 2^L patches per axis; every patch is
// given, as extra channels, L coarser views of growing regions centred on it
// (level ℓ covers 2^ℓ patch widths, average-pooled by 2^ℓ to the patch's
// size), the coarsest covering the whole domain. On a periodic domain the
// views wrap around; otherwise (`periodic` false, e.g. Darcy) they see zeros
// past the edge, and the coarsest view is twice as wide (pooled by 2^(L+1))
// so that it still covers the whole domain from a patch at the edge. All
// patches go through one shared network as a batch and are stitched back.
// With `padding` q each patch and its context are extended by q (scaled) points
// per side and the q overlap points are cropped from the output, which
// reduces seams between patches.
#pragma once

#include "operators/models/fno/fno.hpp"

namespace ff::operators {

struct MultiGridFnoOptions {
  FnoOptions network;    // in_channels: of the field; the network sees (levels + 1)× as many
  int levels = 1;        // L ≥ 1: 2^L patches per axis, L coarser context levels
  int padding = 0;       // overlap q in points per side
  bool periodic = true;  // false: the context beyond the domain's edge is zero
};

class MultiGridFnoImpl : public torch::nn::Module {
 public:
  explicit MultiGridFnoImpl(const MultiGridFnoOptions& options);

  // [batch, in, n_1..n_d] -> [batch, out, n_1..n_d]; axes that are no
  // multiple of 2^L are zero-padded at their end to one and cropped after.
  torch::Tensor forward(const torch::Tensor& x);

  // [batch, in, n...] -> [batch · patches, in · (L + 1), p + 2q, ...] with
  // patches in row-major order and the levels finest first; n a multiple of 2^L.
  torch::Tensor split(const torch::Tensor& x) const;
  // [batch · patches, out, p + 2q, ...] -> [batch, out, n...] (crops q).
  torch::Tensor stitch(const torch::Tensor& patches, int64_t batch) const;

  const MultiGridFnoOptions& options() const { return options_; }
  const FnoImpl& network() const { return *network_; }

 private:
  void check_grid(torch::IntArrayRef spatial) const;

  MultiGridFnoOptions options_;
  Fno network_{nullptr};
};
TORCH_MODULE(MultiGridFno);

}  // namespace ff::operators
