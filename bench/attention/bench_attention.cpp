// One forward + backward of one attention layer on a periodic grid, timed:
// fieldforge's factorized attention (layers/factorized_attention.hpp) or full
// softmax attention over all grid points with the same dim and heads, written
// the way PyTorch users write it (three projections, softmax(QKᵀ/√d)·V, an
// output projection) or, where the LibTorch has it (2.x), through torch's
// fused scaled_dot_product_attention.
//
//   bench_attention MODE BATCH DIM HEADS DIM_HEAD REPEATS N1 [N2 [N3]]
//     MODE: factorized | full | fused
//
// Prints one JSON line: the median and minimum seconds per forward + backward
// and the resident-memory peak (VmHWM) of the process above its value after
// the first allocation-free setup. Runs out of memory as a clean exit 3 with
// {"oom": true}, so a driver can set an address-space limit and find the size
// at which a mode no longer fits.
#include "operators/layers/factorized_attention.hpp"
#include "operators/training/device.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace {

using namespace ff::operators;

long resident_peak_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

// Full multi-head softmax attention over the N grid points, channels last.
struct FullAttentionImpl : torch::nn::Module {
  FullAttentionImpl(int dim, int heads, int dim_head, bool fused) : heads(heads), dim_head(dim_head), fused(fused) {
    query = register_module("query", torch::nn::Linear(torch::nn::LinearOptions(dim, heads * dim_head).bias(false)));
    key = register_module("key", torch::nn::Linear(torch::nn::LinearOptions(dim, heads * dim_head).bias(false)));
    value = register_module("value", torch::nn::Linear(torch::nn::LinearOptions(dim, heads * dim_head).bias(false)));
    out = register_module("out", torch::nn::Linear(heads * dim_head, dim));
  }
  torch::Tensor forward(const torch::Tensor& u) {  // [batch, grid…, dim]
    const auto batch = u.size(0);
    const torch::Tensor flat = u.reshape({batch, -1, u.size(-1)});
    auto split = [&](const torch::Tensor& t) { return t.view({batch, -1, heads, dim_head}).transpose(1, 2); };
    const torch::Tensor q = split(query(flat)), k = split(key(flat)), v = split(value(flat));
    torch::Tensor z;
#if TORCH_VERSION_MAJOR >= 2
    if (fused) z = at::scaled_dot_product_attention(q, k, v);
#endif
    if (!z.defined()) z = torch::softmax(q.matmul(k.transpose(-1, -2)) / std::sqrt(double(dim_head)), -1).matmul(v);
    return out(z.transpose(1, 2).reshape({batch, -1, heads * dim_head})).view(u.sizes());
  }
  int heads, dim_head;
  bool fused;
  torch::nn::Linear query{nullptr}, key{nullptr}, value{nullptr}, out{nullptr};
};
TORCH_MODULE(FullAttention);

}  // namespace

int main(int argc, char** argv) {
  if (argc < 8) {
    std::fprintf(stderr,
                 "usage: bench_attention factorized|full|fused BATCH DIM HEADS DIM_HEAD REPEATS N1 [N2 [N3]]\n");
    return 2;
  }
  const std::string mode = argv[1];
  const int batch = std::atoi(argv[2]), dim = std::atoi(argv[3]), heads = std::atoi(argv[4]);
  const int dim_head = std::atoi(argv[5]), repeats = std::atoi(argv[6]);
  std::vector<int64_t> grid;
  for (int a = 7; a < argc; ++a) grid.push_back(std::atoi(argv[a]));
#if TORCH_VERSION_MAJOR < 2
  if (mode == "fused") {
    std::printf("{\"mode\": \"fused\", \"unavailable\": \"LibTorch %s has no scaled_dot_product_attention\"}\n",
                TORCH_VERSION);
    return 0;
  }
#endif
  ff::prepare_torch_process();
  torch::manual_seed(1);
  torch::nn::AnyModule layer;
  if (mode == "factorized") {
    FactorizedAttentionOptions o;
    o.dim = dim;
    o.heads = heads;
    o.dim_head = dim_head;
    o.kernel_dim = 2 * dim_head;  // kernel_ratio 2, as the FactFormer configs
    o.dimension = static_cast<int>(grid.size());
    layer = torch::nn::AnyModule(FactorizedAttention(o));
  } else {
    layer = torch::nn::AnyModule(FullAttention(dim, heads, dim_head, mode == "fused"));
  }
  std::vector<int64_t> shape{batch};
  shape.insert(shape.end(), grid.begin(), grid.end());
  shape.push_back(dim);
  const torch::Tensor u = torch::randn(shape);
  const long base_kib = resident_peak_kib();

  std::vector<double> seconds;
  try {
    for (int r = 0; r < repeats + 1; ++r) {  // the first is a warm-up
      const auto start = std::chrono::steady_clock::now();
      torch::Tensor x = u.clone().requires_grad_(true);
      layer.forward(x).square().mean().backward();
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (r > 0) seconds.push_back(s);
    }
  } catch (const c10::Error& e) {  // a failed allocation under the driver's address-space limit
    if (std::string(e.what()).find("alloc") == std::string::npos) throw;
    std::printf("{\"mode\": \"%s\", \"oom\": true}\n", mode.c_str());
    return 3;
  }
  std::sort(seconds.begin(), seconds.end());
  std::printf("{\"mode\": \"%s\", \"median_s\": %.6g, \"min_s\": %.6g, \"peak_mib\": %.1f, \"torch\": \"%s\"}\n",
              mode.c_str(), seconds[seconds.size() / 2], seconds.front(), (resident_peak_kib() - base_kib) / 1024.0,
              TORCH_VERSION);
  return 0;
}
