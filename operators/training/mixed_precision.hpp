// Mixed-precision training (`precision: bf16 | fp16`). Inside an
// AutocastScope the pointwise layers of the models (lifting, skips,
// projection: convolutions, which autocast lowers) run in 16 bit, while the
// FFTs and the complex spectral contractions stay in float32/complex64 (see
// SpectralConv). fp16 gradients underflow, so fp16 also takes a
// DynamicLossScaler; bf16 has float32's exponent range and needs none.
#pragma once

#include <torch/serialize/archive.h>
#include <torch/types.h>

#include <string>
#include <vector>

namespace ff::operators {

enum class Precision { float32, bf16, fp16 };

// "float32", "bf16" or "fp16"; InputError otherwise.
Precision parse_precision(const std::string& name);

// Autocast on `device`'s type with the precision's 16-bit type while alive,
// the previous state restored afterwards; float32 leaves autocast alone.
class AutocastScope {
 public:
  AutocastScope(Precision precision, const torch::Device& device);
  ~AutocastScope();
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  bool active_ = false;
  torch::DeviceType device_type_ = torch::kCPU;
  bool was_enabled_ = false;
  torch::ScalarType previous_type_ = torch::kFloat;
};

// PyTorch's GradScaler policy, which LibTorch's C++ API lacks: the loss is
// multiplied by the scale before backward and the gradients divided by it
// before clipping and the step; a step whose gradients are not all finite
// is skipped and halves the scale, and `growth_interval` finite steps in a
// row double it.
class DynamicLossScaler {
 public:
  explicit DynamicLossScaler(double initial_scale = 65536.0, long growth_interval = 2000);

  torch::Tensor scale(const torch::Tensor& loss) const { return loss * scale_; }
  // Divides the gradients of `parameters` by the scale and updates the scale.
  // False: some gradient is inf or NaN, skip this optimizer step.
  bool unscale_and_update(const std::vector<torch::Tensor>& parameters);

  double value() const { return scale_; }
  // The scale and its growth counter travel with the checkpoint, so a resumed
  // run scales exactly as the uninterrupted one.
  void save(torch::serialize::OutputArchive& archive) const;
  void load(torch::serialize::InputArchive& archive);

 private:
  double scale_;
  long growth_interval_;
  long finite_steps_ = 0;  // since the last change of the scale
};

}  // namespace ff::operators
