#include "solvers/spectral/burgers_stage.hpp"

#include "core/hash.hpp"
#include "core/timer.hpp"
#include "io/sample_loop.hpp"
#include "solvers/spectral/grf_stage.hpp"
#include "solvers/spectral/plan_sharing.hpp"
#include "solvers/spectral/recording.hpp"

#include <spdlog/spdlog.h>

namespace ff::spectral {

Schema BurgersStage::schema() {
  Schema grid;
  grid.key("n", ValueKind::integer, "solve grid points").def(8192).at_least(16).at_most(1 << 20).smoke(256);

  Schema time;
  time.key("max_dt", ValueKind::number, "largest time step").def(1e-3).greater_than(0);
  time.key("cfl", ValueKind::number, "CFL limit dt*max|u|*n").def(0.5).greater_than(0);
  time.key("adaptive", ValueKind::boolean, "shrink steps to keep the CFL number (else exceeding it is an error)")
      .def(true);

  Schema s;
  s.map("grid", grid, "periodic solve grid on [0,1)");
  s.key("store_n", ValueKind::integer, "stored points (every grid.n/store_n-th point)").def(1024).at_least(2).smoke(64);
  s.key("nu", ValueKind::number, "viscosity").def(0.1).greater_than(0);
  s.key("final_time", ValueKind::number, "end time T").def(1.0).greater_than(0).smoke(0.1);
  s.key("record_every", ValueKind::number, "record u every this much time (T must be a multiple)").def(1.0).greater_than(0).smoke(0.05);
  s.map("time", time, "IFRK4 time stepping");
  s.map("initial", covariance_schema(2.0, 5.0, 25.0), "u0 ~ N(0, sigma^2 (-Laplacian + tau^2 I)^(-alpha))");
  s.map("samples", sample_split_schema(1000, 200, 4, 2), "number of samples per split");
  s.key("dtype", ValueKind::choice, "storage precision").def("float32").choices({"float32", "float64"});
  s.key("out", ValueKind::output_file, "dataset file").def("burgers.h5");
  return s;
}

BurgersStage::BurgersStage(const StageConfig& config)
    : initial_(read_covariance(config, "initial", 1, config.get<int>("grid.n"))),
      recording_(read_recording(config)),
      train_(config.get<long>("samples.train")),
      test_(config.get<long>("samples.test")),
      dtype_(parse_dtype(config.get<std::string>("dtype"))),
      out_(config.output_path("out")) {
  solver_.n = config.get<int>("grid.n");
  solver_.nu = config.get<double>("nu");
  solver_.max_dt = config.get<double>("time.max_dt");
  solver_.cfl = config.get<double>("time.cfl");
  solver_.adaptive = config.get<bool>("time.adaptive");
}

void BurgersStage::run(const RunContext& context) {
  ScopedTimer timer("generate.burgers");
  share_fft_plans([&] { Burgers1D plan_solver(solver_); GaussianRandomField plan_grf(initial_); },
                  wisdom_file_for(context.stage_dir));
  Burgers1D burgers(solver_);
  GaussianRandomField grf(initial_);

  const auto s = static_cast<std::uint64_t>(recording_.store_n);
  const long n_times = static_cast<long>(recording_.times.size());
  DatasetLayout layout;
  layout.grid.shape = {recording_.store_n};
  layout.grid.extent = {1.0};
  layout.times = recording_.times;
  layout.fields = {{"inputs/u0", {s}, dtype_, {}},
                   {"outputs/u", {static_cast<std::uint64_t>(n_times), s}, dtype_, {{"solve_n", double(solver_.n)}}},
                   {"params/nu", {}, DType::float64, {}}};
  layout.split_contiguous(train_, test_);

  DatasetWriter writer(out_, layout, context.provenance());
  const std::uint64_t stream = fnv1a64(context.stage_name);
  std::vector<double> u(solver_.n), stored(recording_.store_n), trajectory(n_times * recording_.store_n);
  long total_steps = 0;
  for_each_local_sample(writer, context, [&](long i) {
    SampleRng rng(context.seed, stream, static_cast<std::uint64_t>(i));
    grf.sample(rng, u.data());
    subsample(u.data(), 1, solver_.n, recording_.stride, stored.data());
    writer.write_sample("inputs/u0", i, stored.data());
    burgers.set_state(u.data());
    for (long t = 0; t < n_times; ++t) {
      burgers.advance_to(recording_.times[t]);
      burgers.state(u.data());
      subsample(u.data(), 1, solver_.n, recording_.stride, trajectory.data() + t * recording_.store_n);
    }
    total_steps += burgers.steps_taken();
    writer.write_sample("outputs/u", i, trajectory.data());
    writer.write_sample("params/nu", i, &solver_.nu);
  });
  writer.commit();
  spdlog::info("{}: wrote {} samples ({} points stored of {}), {} steps per sample on rank 0", context.stage_name,
               layout.n_samples, recording_.store_n, solver_.n, writer.local_samples().size() ? total_steps / writer.local_samples().size() : 0);
}

}  // namespace ff::spectral
