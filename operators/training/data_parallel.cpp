#include "operators/training/data_parallel.hpp"

#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/parallel.hpp"
#include "core/timer.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <string_view>

namespace ff::operators {
namespace {

// A real view of a tensor's values (complex tensors as their (re, im) pairs;
// fieldforge's models store complex weights as real pairs, so this is for
// models that register complex parameters).
torch::Tensor real_values(const torch::Tensor& t) { return t.is_complex() ? torch::view_as_real(t) : t; }

// Sums the gradients whose real type is `type` over the ranks through one
// contiguous CPU buffer; a float32 buffer also carries `header`.
void sum_gradients_of_type(const std::vector<torch::Tensor>& parameters, torch::ScalarType type,
                           std::vector<float>* header) {
  std::vector<torch::Tensor> grads;
  for (const auto& p : parameters)
    if (real_values(p.grad()).scalar_type() == type) grads.push_back(p.grad());
  if (grads.empty() && !header) return;
  std::vector<torch::Tensor> flat;
  if (header) flat.push_back(torch::from_blob(header->data(), {static_cast<int64_t>(header->size())}).clone());
  for (const auto& g : grads) flat.push_back(real_values(g).reshape(-1).to(torch::kCPU));
  torch::Tensor buffer = torch::cat(flat);
  if (type == torch::kFloat)
    sum_over_ranks(buffer.data_ptr<float>(), buffer.numel());
  else
    sum_over_ranks(buffer.data_ptr<double>(), buffer.numel());
  int64_t offset = 0;
  if (header) {
    std::copy_n(buffer.data_ptr<float>(), header->size(), header->begin());
    offset = static_cast<int64_t>(header->size());
  }
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
  std::vector<torch::Tensor> trainable;
  for (const auto& p : parameters)
    if (p.requires_grad()) trainable.push_back(p);
  // The header: this rank's loss, then per parameter whether it has a
  // gradient here. A gradient missing on this rank counts as zeros; one that
  // no rank has stays undefined, as it would on one rank (Adam skips it).
  std::vector<float> header{static_cast<float>(value)};
  for (auto& p : trainable) {
    FF_REQUIRE(real_values(p).scalar_type() == torch::kFloat || real_values(p).scalar_type() == torch::kDouble,
               RunError, "data-parallel training sums float32 and float64 gradients, got a parameter of type {}",
               c10::toString(p.scalar_type()));
    header.push_back(p.grad().defined() ? 1.0F : 0.0F);
    if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
  }
  sum_gradients_of_type(trainable, torch::kFloat, &header);
  sum_gradients_of_type(trainable, torch::kDouble, nullptr);
  for (std::size_t i = 0; i < trainable.size(); ++i)
    if (header[i + 1] == 0.0F) trainable[i].mutable_grad() = torch::Tensor();
  return header[0];
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
