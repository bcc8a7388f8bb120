// Training throughput of fieldforge's FNO (operators/models/fno/fno.hpp): samples per
// second of full training iterations — forward, relative L2 loss, backward,
// Adam step — on one fixed random batch, float32, CPU.
//
//   bench_fno_train [--profile] [--tucker RANK] DIM N WIDTH MODES BATCH THREADS WARMUP MIN_SECONDS ROUNDS
//                   [EXPORT_DIR [SEED]]
//
//   bench_fno_train 2 64 32 12 20 1 3 2.0 2 /tmp/fno   FNO-2D, 64^2, width 32, 12 modes per axis
//   bench_fno_train 1 1024 64 16 20 1 3 2.0 2          FNO-1D Burgers model, 1024 points
//
// The model: 1 input channel plus DIM periodic grid-coordinate channels,
// 4 Fourier layers of WIDTH channels keeping MODES modes per axis, projection
// MLP with 128 hidden channels, 1 output channel; Adam with lr 1e-3. With
// --tucker RANK the spectral weights are a joint Tucker factorization
// keeping that fraction of the parameters (TFNO).
// After WARMUP iterations, each of ROUNDS rounds runs iterations until
// MIN_SECONDS have passed; the best round gives samples/s. Every iteration is
// also split into forward (model + loss), backward and optimizer step, so a
// slow phase shows. The process is set up as `fieldforge run` sets up a
// training stage (prepare_torch_process: freed memory kept for reuse, thread
// counts from FIELDFORGE_THREADS); THREADS then sets the intra-op threads.
//
// With --profile it instead runs ROUNDS iterations under LibTorch's operator
// profiler after the warm-up and prints, per phase, the seconds per iteration
// and each operator's self time and calls per iteration.
//
// With EXPORT_DIR, before training it writes every parameter, the input and
// target batch, the model's output and loss on that batch and the loss's
// gradient with respect to every parameter, as raw little-endian float32
// files listed with their shapes in EXPORT_DIR/manifest.json, so that the
// PyTorch reference (bench/reference/fno_reference.py) can start from the
// same weights and check that it computes the same function and gradients.
// Prints one JSON object on stdout.
#include "op_profile.hpp"
#include "operators/layers/mode_gemm.hpp"
#include "operators/models/fno/fno.hpp"
#include "operators/training/device.hpp"
#include "operators/training/losses.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Raw float32, little-endian whatever the host's byte order.
void write_float32_le(const std::string& path, const torch::Tensor& tensor) {
  const torch::Tensor t = tensor.detach().to(torch::kFloat32).contiguous();
  const float* values = t.data_ptr<float>();
  std::vector<unsigned char> bytes(static_cast<std::size_t>(t.numel()) * 4);
  for (int64_t i = 0; i < t.numel(); ++i) {
    std::uint32_t bits;
    std::memcpy(&bits, &values[i], 4);
    for (int b = 0; b < 4; ++b) bytes[4 * i + b] = static_cast<unsigned char>(bits >> (8 * b));
  }
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size() || std::fclose(f) != 0)
    throw std::runtime_error("cannot write " + path);
}

std::string shape_json(const torch::Tensor& t) {
  std::string s = "[";
  for (int64_t a = 0; a < t.dim(); ++a) s += (a ? ", " : "") + std::to_string(t.size(a));
  return s + "]";
}

// Writes the named tensors into `dir` (which must exist) with a manifest.
void export_tensors(const std::string& dir, const std::vector<std::pair<std::string, torch::Tensor>>& tensors) {
  std::string manifest = "{\n";
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const auto& [name, tensor] = tensors[i];
    const std::string file = name + ".f32";
    write_float32_le(dir + "/" + file, tensor);
    manifest += "  \"" + name + "\": {\"file\": \"" + file + "\", \"shape\": " + shape_json(tensor) + "}" +
                (i + 1 < tensors.size() ? ",\n" : "\n");
  }
  manifest += "}\n";
  std::FILE* f = std::fopen((dir + "/manifest.json").c_str(), "w");
  if (!f || std::fputs(manifest.c_str(), f) < 0 || std::fclose(f) != 0)
    throw std::runtime_error("cannot write " + dir + "/manifest.json");
}

std::map<std::string, ff::bench::OperatorTime> merge(std::map<std::string, ff::bench::OperatorTime> into,
                                                     const std::map<std::string, ff::bench::OperatorTime>& from) {
  for (const auto& [name, t] : from) {
    auto& sum = into[name];
    sum.self_us += t.self_us;
    sum.total_us += t.total_us;
    sum.calls += t.calls;
  }
  return into;
}

struct Round {
  long iterations = 0;
  double seconds = 0, forward = 0, backward = 0, step = 0;  // totals over the round
};

// {"op": {"self_ms": .., "calls": ..}, ...} per iteration, largest first.
std::string operators_json(const std::map<std::string, ff::bench::OperatorTime>& times, int iterations) {
  std::vector<std::pair<std::string, ff::bench::OperatorTime>> sorted(times.begin(), times.end());
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.second.self_us > b.second.self_us; });
  std::string json = "{";
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    char entry[64];
    std::snprintf(entry, sizeof entry, "{\"self_ms\": %.4f, \"calls\": %.2f}",
                  sorted[i].second.self_us * 1e-3 / iterations,
                  static_cast<double>(sorted[i].second.calls) / iterations);
    json += (i ? ", \"" : "\"") + sorted[i].first + "\": " + entry;
  }
  return json + "}";
}

int run(int argc, char** argv) {
  bool profile = false;
  double tucker_rank = 0;  // 0: dense weights
  while (argc > 1 && std::strncmp(argv[1], "--", 2) == 0) {
    if (std::strcmp(argv[1], "--profile") == 0) {
      profile = true;
    } else if (std::strcmp(argv[1], "--tucker") == 0 && argc > 2) {
      tucker_rank = std::atof(argv[2]);
      --argc;
      ++argv;
    } else {
      std::fprintf(stderr, "bench_fno_train: unknown option %s\n", argv[1]);
      return 2;
    }
    --argc;
    ++argv;
  }
  if (argc < 10) {
    std::fprintf(
        stderr,
        "usage: bench_fno_train [--profile] [--tucker RANK] DIM N WIDTH MODES BATCH THREADS WARMUP MIN_SECONDS ROUNDS "
        "[EXPORT_DIR [SEED]]\n"
        "  training samples/s of a 4-layer FNO on a fixed random batch (see the file's header)\n");
    return 2;
  }
  const int dim = std::atoi(argv[1]), n = std::atoi(argv[2]), width = std::atoi(argv[3]), modes = std::atoi(argv[4]);
  const int batch = std::atoi(argv[5]), threads = std::atoi(argv[6]), warmup = std::atoi(argv[7]);
  const double min_seconds = std::atof(argv[8]);
  const int rounds = std::max(1, std::atoi(argv[9]));
  const std::string export_dir = argc > 10 ? argv[10] : "";
  const std::uint64_t seed = argc > 11 ? std::strtoull(argv[11], nullptr, 10) : 2024;
  if (dim < 1 || dim > 3 || n < 2 * modes || width < 1 || batch < 1 || threads < 1 || warmup < 0) {
    std::fprintf(stderr, "bench_fno_train: need DIM in 1..3, N >= 2 MODES, WIDTH, BATCH, THREADS >= 1\n");
    return 2;
  }
  ff::prepare_torch_process();  // as `fieldforge run` sets up a training stage
  at::set_num_threads(threads);
  torch::manual_seed(seed);

  // 1. The model and its optimizer.
  ff::operators::FnoOptions options;
  options.modes.assign(dim, modes);
  options.in_channels = 1;
  options.out_channels = 1;
  options.width = width;
  options.layers = 4;
  options.projection = 128;
  options.grid = ff::operators::GridChannels::periodic;
  if (tucker_rank > 0) {
    options.factorization = "tucker";
    options.rank = tucker_rank;
  }
  ff::operators::Fno model(options);
  model->train();
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-3));

  // 2. One fixed random batch.
  std::vector<int64_t> shape{batch, 1};
  shape.insert(shape.end(), dim, n);
  const torch::Tensor x = torch::randn(shape), y = torch::randn(shape);

  // 3. Export the starting point for the reference's agreement check.
  if (!export_dir.empty()) {
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    for (const auto& p : model->named_parameters()) tensors.emplace_back("param." + p.key(), p.value());
    const torch::Tensor out = model(x);
    const torch::Tensor loss = ff::operators::relative_lp(out, y);
    loss.backward();
    for (const auto& p : model->named_parameters()) tensors.emplace_back("grad." + p.key(), p.value().grad().clone());
    optimizer.zero_grad();
    tensors.emplace_back("input", x);
    tensors.emplace_back("target", y);
    tensors.emplace_back("output", out);
    tensors.emplace_back("loss", loss.reshape({1}));
    export_tensors(export_dir, tensors);
  }

  // 4. Training iterations, each phase timed.
  auto iterate = [&](Round& r) {
    const auto t0 = Clock::now();
    optimizer.zero_grad();
    const torch::Tensor loss = ff::operators::relative_lp(model(x), y);
    const auto t1 = Clock::now();
    loss.backward();
    const auto t2 = Clock::now();
    optimizer.step();
    const auto t3 = Clock::now();
    r.forward += seconds_between(t0, t1);
    r.backward += seconds_between(t1, t2);
    r.step += seconds_between(t2, t3);
    r.seconds += seconds_between(t0, t3);
    ++r.iterations;
  };
  Round unused;
  for (int i = 0; i < warmup; ++i) iterate(unused);
  if (profile) {
    // Each phase profiled on its own, so that an operator's time is booked
    // to the phase that ran it.
    std::map<std::string, ff::bench::OperatorTime> forward, backward, step;
    Round r;
    for (int k = 0; k < rounds; ++k) {
      torch::Tensor loss;
      const auto t0 = Clock::now();
      forward = merge(forward, ff::bench::profile_operators([&] {
                        optimizer.zero_grad();
                        loss = ff::operators::relative_lp(model(x), y);
                      }));
      const auto t1 = Clock::now();
      backward = merge(backward, ff::bench::profile_operators([&] { loss.backward(); }));
      const auto t2 = Clock::now();
      step = merge(step, ff::bench::profile_operators([&] { optimizer.step(); }));
      const auto t3 = Clock::now();
      r.forward += seconds_between(t0, t1);
      r.backward += seconds_between(t1, t2);
      r.step += seconds_between(t2, t3);
    }
    std::printf(
        "{\"dim\": %d, \"n\": %d, \"width\": %d, \"modes\": %d, \"batch\": %d, \"threads\": %d, "
        "\"iterations\": %d, \"s_forward\": %.6g, \"s_backward\": %.6g, \"s_step\": %.6g, "
        "\"forward\": %s, \"backward\": %s, \"step\": %s}\n",
        dim, n, width, modes, batch, at::get_num_threads(), rounds, r.forward / rounds, r.backward / rounds,
        r.step / rounds, operators_json(forward, rounds).c_str(), operators_json(backward, rounds).c_str(),
        operators_json(step, rounds).c_str());
    return 0;
  }
  std::vector<Round> done;
  for (int k = 0; k < rounds; ++k) {
    Round r;
    while (r.seconds < min_seconds) iterate(r);
    done.push_back(r);
  }
  const Round best = *std::max_element(done.begin(), done.end(), [](const Round& a, const Round& b) {
    return a.iterations / a.seconds < b.iterations / b.seconds;
  });

  std::string per_round = "[";
  for (std::size_t k = 0; k < done.size(); ++k) {
    char text[32];
    std::snprintf(text, sizeof text, "%s%.6g", k ? ", " : "", batch * done[k].iterations / done[k].seconds);
    per_round += text;
  }
  per_round += "]";
  const double it = static_cast<double>(best.iterations);
  std::printf(
      "{\"dim\": %d, \"n\": %d, \"width\": %d, \"modes\": %d, \"batch\": %d, \"threads\": %d, "
      "\"parameters\": %lld, \"warmup_iterations\": %d, \"iterations\": %ld, \"seconds\": %.6g, "
      "\"samples_per_second\": %.6g, \"samples_per_second_rounds\": %s, "
      "\"s_forward\": %.6g, \"s_backward\": %.6g, \"s_step\": %.6g, \"mode_gemm_isa\": \"%s\"}\n",
      dim, n, width, modes, batch, at::get_num_threads(), static_cast<long long>(model->parameter_count()), warmup,
      best.iterations, best.seconds, batch * it / best.seconds, per_round.c_str(), best.forward / it,
      best.backward / it, best.step / it, ff::operators::mode_gemm_isa());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_fno_train: %s\n", e.what());
    return 1;
  }
}
