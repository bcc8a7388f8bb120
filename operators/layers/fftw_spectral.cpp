#include "operators/layers/fftw_spectral.hpp"

#include "core/error.hpp"
#include "operators/layers/kept_mode_fft.hpp"
#include "operators/layers/mode_gemm.hpp"
#include "operators/layers/shape.hpp"

#include <ATen/record_function.h>
#include <torch/autograd.h>
#include <torch/torch.h>

#include <complex>

namespace ff::operators {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;
using Complex = std::complex<float>;

// The backward passes return plain tensors: differentiating them again
// (create_graph) would silently give zero second derivatives.
void require_first_order() {
  FF_REQUIRE(!torch::GradMode::is_enabled(), InputError,
             "the FFTW spectral path has no second derivatives; use SpectralConv::forward_reference for them");
}

std::vector<int64_t> to_int64(const std::vector<int>& v) { return {v.begin(), v.end()}; }

std::vector<int> from_ivalue(const c10::IValue& v) {
  const auto list = v.toIntVector();
  return {list.begin(), list.end()};
}

// The [M..., B, C] array behind a [B, C, M...] complex tensor, materialized
// (no copy when it is stored mode-major already).
torch::Tensor mode_major(const torch::Tensor& t) {
  std::vector<int64_t> order;
  for (int64_t a = 2; a < t.dim(); ++a) order.push_back(a);
  order.push_back(0);
  order.push_back(1);
  return t.permute(order).resolve_conj().resolve_neg().contiguous();
}

// A [M..., B, C] array viewed as [B, C, M...].
torch::Tensor channel_first(const torch::Tensor& t) {
  const int64_t d = t.dim() - 2;
  std::vector<int64_t> order{d, d + 1};
  for (int64_t a = 0; a < d; ++a) order.push_back(a);
  return t.permute(order);
}

std::vector<int64_t> mode_grid_shape(const std::vector<int>& modes, int64_t batch, int64_t channels) {
  std::vector<int64_t> shape;
  for (std::size_t a = 0; a < modes.size(); ++a) shape.push_back(a + 1 < modes.size() ? 2 * modes[a] : modes[a]);
  shape.push_back(batch);
  shape.push_back(channels);
  return shape;
}

std::vector<int64_t> field_shape(int64_t batch, int64_t channels, const std::vector<int64_t>& grid) {
  std::vector<int64_t> shape{batch, channels};
  shape.insert(shape.end(), grid.begin(), grid.end());
  return shape;
}

// T: kept modes of the rfftn of fields [B, C, grid] -> mode-major [M..., B, C].
torch::Tensor transform(const torch::Tensor& fields, const std::vector<int>& modes, float scale,
                        ColumnWeights weights) {
  const torch::Tensor x = fields.contiguous();
  const std::vector<int64_t> grid(x.sizes().begin() + 2, x.sizes().end());
  const auto& fft = kept_mode_fft(grid, modes);
  torch::Tensor out =
      torch::empty(mode_grid_shape(modes, x.size(0), x.size(1)), x.options().dtype(torch::kComplexFloat));
  fft.forward(x.data_ptr<float>(), reinterpret_cast<Complex*>(out.data_ptr()), x.size(0) * x.size(1), scale, weights);
  return out;
}

// Inverse of `transform`'s layout: mode-major [M..., B, C] -> fields [B, C, grid].
torch::Tensor inverse_transform(const torch::Tensor& spectrum, const std::vector<int64_t>& grid,
                                const std::vector<int>& modes, float scale, ColumnWeights weights) {
  const int64_t d = static_cast<int64_t>(grid.size());
  const int64_t batch = spectrum.size(d), channels = spectrum.size(d + 1);
  torch::Tensor out = torch::empty(field_shape(batch, channels, grid), spectrum.options().dtype(torch::kFloat));
  kept_mode_fft(grid, modes)
      .inverse(reinterpret_cast<const Complex*>(spectrum.data_ptr()), out.data_ptr<float>(), batch * channels, scale,
               weights);
  return out;
}

// W [in, out, M..., 2] as per-mode planes [M..., 2, in, out], or, conjugate-
// transposed, [M..., 2, out, in].
torch::Tensor weight_planes(const torch::Tensor& weight, bool adjoint) {
  const int64_t d = weight.dim() - 3;
  std::vector<int64_t> order;
  for (int64_t a = 0; a < d; ++a) order.push_back(a + 2);
  order.push_back(d + 2);
  order.push_back(adjoint ? 1 : 0);
  order.push_back(adjoint ? 0 : 1);
  // A copy in every case: permute() of a [1, 1, ...] weight is contiguous
  // already, and the adjoint's negation must not reach the weight itself.
  torch::Tensor planes = weight.permute(order).clone(at::MemoryFormat::Contiguous);
  if (adjoint) planes.select(d, 1).neg_();
  return planes;
}

int64_t product(torch::IntArrayRef sizes) {
  int64_t p = 1;
  for (int64_t s : sizes) p *= s;
  return p;
}

struct KeptModes : torch::autograd::Function<KeptModes> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, const std::vector<int>& modes) {
    RECORD_FUNCTION("ff::kept_modes", std::vector<c10::IValue>());
    ctx->saved_data["modes"] = to_int64(modes);
    ctx->saved_data["grid"] = x.sizes().slice(2).vec();
    return channel_first(transform(x, modes, 1.0f, ColumnWeights::one));
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    require_first_order();
    const auto modes = from_ivalue(ctx->saved_data["modes"]);
    const auto grid = ctx->saved_data["grid"].toIntVector();
    return {inverse_transform(mode_major(grads[0]), grid, modes, 1.0f, ColumnWeights::half_mirror), torch::Tensor()};
  }
};

struct FromKeptModes : torch::autograd::Function<FromKeptModes> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& y_hat, const std::vector<int64_t>& grid,
                               const std::vector<int>& modes) {
    RECORD_FUNCTION("ff::from_kept_modes", std::vector<c10::IValue>());
    ctx->saved_data["modes"] = to_int64(modes);
    const float scale = 1.0f / static_cast<float>(product(grid));
    return inverse_transform(mode_major(y_hat), grid, modes, scale, ColumnWeights::one);
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    require_first_order();
    const auto modes = from_ivalue(ctx->saved_data["modes"]);
    const float scale = 1.0f / static_cast<float>(product(grads[0].sizes().slice(2)));
    return {channel_first(transform(grads[0], modes, scale, ColumnWeights::hermitian)), torch::Tensor(),
            torch::Tensor()};
  }
};

struct MixModes : torch::autograd::Function<MixModes> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x_hat, const torch::Tensor& weight) {
    RECORD_FUNCTION("ff::mix_modes", std::vector<c10::IValue>());
    const torch::Tensor a = mode_major(x_hat);  // [M..., B, I]
    const int64_t d = x_hat.dim() - 2, batch = x_hat.size(0), in = x_hat.size(1), out = weight.size(1);
    const int64_t modes = product(x_hat.sizes().slice(2));
    const torch::Tensor planes = weight_planes(weight, false);
    std::vector<int64_t> shape(a.sizes().begin(), a.sizes().begin() + d);
    shape.push_back(batch);
    shape.push_back(out);
    torch::Tensor y = torch::empty(shape, a.options());
    mode_gemm(reinterpret_cast<const Complex*>(a.data_ptr()), planes.data_ptr<float>(),
              reinterpret_cast<Complex*>(y.data_ptr()), modes, batch, in, out);
    ctx->save_for_backward({a, weight});
    return channel_first(y);
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    require_first_order();
    const auto saved = ctx->get_saved_variables();
    const torch::Tensor& a = saved[0];  // [M..., B, I]
    const torch::Tensor& weight = saved[1];
    const int64_t d = a.dim() - 2, batch = a.size(d), in = a.size(d + 1), out = weight.size(1);
    const int64_t modes = product(a.sizes().slice(0, d));
    const torch::Tensor g = mode_major(grads[0]);  // [M..., B, O]
    torch::Tensor grad_x, grad_weight;
    if (ctx->needs_input_grad(0)) {
      const torch::Tensor adjoint = weight_planes(weight, true);
      std::vector<int64_t> shape(a.sizes().begin(), a.sizes().end());
      torch::Tensor result = torch::empty(shape, a.options());
      mode_gemm(reinterpret_cast<const Complex*>(g.data_ptr()), adjoint.data_ptr<float>(),
                reinterpret_cast<Complex*>(result.data_ptr()), modes, batch, out, in);
      grad_x = channel_first(result);
    }
    if (ctx->needs_input_grad(1)) {
      // W̄[k] = x̂[k]ᴴ ḡ[k]: A = conj(x̂)ᵀ per mode [I, B], B = ḡ as planes [2, B, O].
      const torch::Tensor a_adjoint = torch::conj_physical(a.transpose(d, d + 1)).contiguous();
      std::vector<int64_t> plane_order;
      for (int64_t i = 0; i < d; ++i) plane_order.push_back(i);
      plane_order.push_back(d + 2);
      plane_order.push_back(d);
      plane_order.push_back(d + 1);
      const torch::Tensor g_planes = torch::view_as_real(g).permute(plane_order).contiguous();
      std::vector<int64_t> shape(a.sizes().begin(), a.sizes().begin() + d);
      shape.push_back(in);
      shape.push_back(out);
      torch::Tensor result = torch::empty(shape, a.options());
      mode_gemm(reinterpret_cast<const Complex*>(a_adjoint.data_ptr()), g_planes.data_ptr<float>(),
                reinterpret_cast<Complex*>(result.data_ptr()), modes, in, batch, out);
      // [M..., I, O] complex -> [I, O, M..., 2] real.
      std::vector<int64_t> order{d, d + 1};
      for (int64_t i = 0; i < d; ++i) order.push_back(i);
      order.push_back(d + 2);
      grad_weight = torch::view_as_real(result).permute(order).contiguous();
    }
    return {grad_x, grad_weight};
  }
};

}  // namespace

bool fftw_spectral_supports(const torch::Tensor& x) { return x.device().is_cpu() && x.scalar_type() == torch::kFloat; }

bool mix_modes_supports(const torch::Tensor& x_hat) {
  return x_hat.device().is_cpu() && x_hat.scalar_type() == torch::kComplexFloat;
}

torch::Tensor kept_modes(const torch::Tensor& x, const std::vector<int>& modes) {
  FF_REQUIRE(fftw_spectral_supports(x), InputError, "kept_modes takes float32 CPU tensors");
  return KeptModes::apply(x, modes);
}

torch::Tensor mix_modes(const torch::Tensor& x_hat, const torch::Tensor& weight) {
  const int64_t d = x_hat.dim() - 2;
  FF_REQUIRE(mix_modes_supports(x_hat) && weight.device().is_cpu() && weight.scalar_type() == torch::kFloat && d >= 1 &&
                 weight.dim() == d + 3 && weight.size(0) == x_hat.size(1) && weight.size(d + 2) == 2 &&
                 weight.sizes().slice(2, d) == x_hat.sizes().slice(2),
             InputError,
             "mix_modes takes complex64 [B, in, M...] and float32 [in, out, M..., 2] CPU tensors, got {} and {}",
             shape_of(x_hat), shape_of(weight));
  return MixModes::apply(x_hat, weight);
}

torch::Tensor from_kept_modes(const torch::Tensor& y_hat, const std::vector<int64_t>& grid,
                              const std::vector<int>& modes) {
  const std::vector<int64_t> expected = mode_grid_shape(modes, 0, 0);
  FF_REQUIRE(mix_modes_supports(y_hat) && y_hat.dim() == static_cast<int64_t>(grid.size()) + 2 &&
                 modes.size() == grid.size() &&
                 y_hat.sizes().slice(2) == torch::IntArrayRef(expected).slice(0, grid.size()),
             InputError, "from_kept_modes: a complex64 CPU tensor [B, C, M...] of the mode grid of {} modes, got {}",
             modes.size(), shape_of(y_hat));
  return FromKeptModes::apply(y_hat, grid, modes);
}

}  // namespace ff::operators
