#include "operators/training/data_parallel.hpp"

#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/parallel.hpp"
#include "core/timer.hpp"

#include <torch/torch.h>

#include <string_view>

namespace ff::operators {
namespace {

// A real view of a tensor's values (complex tensors as their (re, im) pairs).
torch::Tensor real_values(const torch::Tensor& t) { return t.is_complex() ? torch::view_as_real(t) : t; }

// Sums the gradients whose real type is `type` through one contiguous CPU
// buffer, with `extra` appended to it (float32 only).
void sum_gradients_of_type(const std::vector<torch::Tensor>& parameters, torch::ScalarType type, double* extra) {
  std::vector<torch::Tensor> grads;
  for (const auto& p : parameters) {
    if (!p.requires_grad()) continue;
    auto& grad = p.mutable_grad();
    if (!grad.defined()) grad = torch::zeros_like(p);
    if (real_values(grad).scalar_type() == type) grads.push_back(grad);
  }
  if (grads.empty() && !extra) return;
  std::vector<torch::Tensor> flat;
  for (const auto& g : grads) flat.push_back(real_values(g).reshape(-1).to(torch::kCPU));
  if (extra) flat.push_back(torch::full({1}, *extra, torch::kFloat));
  torch::Tensor buffer = torch::cat(flat);
  if (type == torch::kFloat)
    sum_over_ranks(buffer.data_ptr<float>(), buffer.numel());
  else
    sum_over_ranks(buffer.data_ptr<double>(), buffer.numel());
  if (extra) *extra = buffer[-1].item<double>();
  int64_t offset = 0;
  for (auto& g : grads) {
    torch::Tensor values = real_values(g);
    values.copy_(buffer.narrow(0, offset, values.numel()).view(values.sizes()));
    offset += values.numel();
  }
}

}  // namespace

double sum_gradients_over_ranks(const std::vector<torch::Tensor>& parameters, double value) {
  if (mpi_size() == 1) return value;
  ScopedTimer timer("sum gradients over ranks");
  torch::NoGradGuard no_grad;
  for (const auto& p : parameters)
    FF_REQUIRE(!p.requires_grad() || real_values(p).scalar_type() == torch::kFloat ||
                   real_values(p).scalar_type() == torch::kDouble,
               RunError, "data-parallel training sums float32 and float64 gradients, got a parameter of type {}",
               c10::toString(p.scalar_type()));
  sum_gradients_of_type(parameters, torch::kFloat, &value);
  sum_gradients_of_type(parameters, torch::kDouble, nullptr);
  return value;
}

void require_same_weights_on_all_ranks(const std::vector<torch::Tensor>& parameters) {
  if (mpi_size() == 1) return;
  std::uint64_t hash = fnv1a64("");
  for (const auto& p : parameters) {
    const torch::Tensor values = p.detach().to(torch::kCPU).contiguous();
    hash = fnv1a64(std::string_view(static_cast<const char*>(values.data_ptr()), values.nbytes()), hash);
  }
  std::string mine = hex64(hash), root = mine;
  broadcast_from_root(root);
  FF_REQUIRE(all_ranks_ok(mine == root), RunError,
             "data-parallel training: the ranks' weights differ (rank {} has hash {}, rank 0 {}); the gradient sums "
             "were not the same on every rank",
             mpi_rank(), mine, root);
}

}  // namespace ff::operators
