#include "operators/training/mixed_precision.hpp"

#include "core/error.hpp"

#include <ATen/autocast_mode.h>
#include <torch/torch.h>
#include <torch/version.h>

namespace ff::operators {
namespace {

// LibTorch 2.4 replaced the per-backend autocast switches by ones taking the
// device type; both are wrapped here.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
bool autocast_enabled(torch::DeviceType type) { return at::autocast::is_autocast_enabled(type); }
void set_autocast_enabled(torch::DeviceType type, bool on) { at::autocast::set_autocast_enabled(type, on); }
torch::ScalarType autocast_type(torch::DeviceType type) { return at::autocast::get_autocast_dtype(type); }
void set_autocast_type(torch::DeviceType type, torch::ScalarType t) { at::autocast::set_autocast_dtype(type, t); }
#else
bool autocast_enabled(torch::DeviceType type) {
  return type == torch::kCUDA ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
}
void set_autocast_enabled(torch::DeviceType type, bool on) {
  type == torch::kCUDA ? at::autocast::set_enabled(on) : at::autocast::set_cpu_enabled(on);
}
torch::ScalarType autocast_type(torch::DeviceType type) {
  return type == torch::kCUDA ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
}
void set_autocast_type(torch::DeviceType type, torch::ScalarType t) {
  type == torch::kCUDA ? at::autocast::set_autocast_gpu_dtype(t) : at::autocast::set_autocast_cpu_dtype(t);
}
#endif

}  // namespace

Precision parse_precision(const std::string& name) {
  if (name == "float32") return Precision::float32;
  if (name == "bf16") return Precision::bf16;
  if (name == "fp16") return Precision::fp16;
  throw InputError("precision must be float32, bf16 or fp16, got '" + name + "'");
}

AutocastScope::AutocastScope(Precision precision, const torch::Device& device) {
  if (precision == Precision::float32) return;
  FF_REQUIRE(device.is_cpu() || device.is_cuda(), InputError, "mixed precision runs on cpu or cuda, not {}",
             device.str());
  active_ = true;
  device_type_ = device.type();
  was_enabled_ = autocast_enabled(device_type_);
  previous_type_ = autocast_type(device_type_);
  set_autocast_type(device_type_, precision == Precision::bf16 ? torch::kBFloat16 : torch::kHalf);
  set_autocast_enabled(device_type_, true);
  at::autocast::increment_nesting();
}

AutocastScope::~AutocastScope() {
  if (!active_) return;
  // Leaving the outermost scope drops the cached 16-bit copies of the weights.
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  set_autocast_enabled(device_type_, was_enabled_);
  set_autocast_type(device_type_, previous_type_);
}

DynamicLossScaler::DynamicLossScaler(double initial_scale, long growth_interval)
    : scale_(initial_scale), growth_interval_(growth_interval) {
  FF_REQUIRE(initial_scale > 0 && growth_interval >= 1, InputError,
             "loss scaling needs a scale > 0 and a growth interval >= 1");
}

bool DynamicLossScaler::unscale_and_update(const std::vector<torch::Tensor>& parameters) {
  torch::NoGradGuard no_grad;
  torch::Tensor finite;  // one flag on the gradients' device: a single host sync below
  for (const auto& p : parameters) {
    if (!p.grad().defined()) continue;
    p.grad().div_(scale_);
    const torch::Tensor here = torch::isfinite(p.grad()).all();
    finite = finite.defined() ? finite.logical_and(here) : here;
  }
  if (finite.defined() && !finite.item<bool>()) {
    scale_ /= 2;
    finite_steps_ = 0;
    return false;
  }
  if (++finite_steps_ == growth_interval_) {
    scale_ *= 2;
    finite_steps_ = 0;
  }
  return true;
}

void DynamicLossScaler::save(torch::serialize::OutputArchive& archive) const {
  archive.write("loss_scale", torch::tensor(scale_, torch::kFloat64));
  archive.write("loss_scale_finite_steps", torch::tensor(static_cast<int64_t>(finite_steps_)));
}

void DynamicLossScaler::load(torch::serialize::InputArchive& archive) {
  // A checkpoint of a float32 run has no scale: start from the initial one.
  torch::Tensor scale, steps;
  if (!archive.try_read("loss_scale", scale) || !archive.try_read("loss_scale_finite_steps", steps)) return;
  scale_ = scale.item<double>();
  finite_steps_ = steps.item<int64_t>();
}

}  // namespace ff::operators
