#include "solvers/spectral/burgers_stage.hpp"

#include "core/hash.hpp"
#include "core/timer.hpp"
#include "io/sample_loop.hpp"
#include "solvers/fourier/covariance_options.hpp"
#include "solvers/fourier/plan_sharing.hpp"
#include "solvers/spectral/recording.hpp"

#include <spdlog/spdlog.h>

namespace ff::spectral {

namespace {

struct Settings {
  struct Grid {
    int n = 8192;
  };
  struct Time {
    double max_dt = 1e-3, cfl = 0.5;
    bool adaptive = true;
  };
  Grid grid;
  long store_n = 1024;
  double nu = 0.1, final_time = 1.0, record_every = 1.0;
  Time time;
  GrfOptions initial;
  SampleSplit samples;
  DType dtype = DType::float32;
  std::filesystem::path out = "burgers.h5";
};

OptionsSchema<Settings> options() {
  using S = Settings;
  OptionsSchema<S::Grid> grid;
  grid.key("n", &S::Grid::n, "solve grid points").at_least(16).at_most(1 << 20).smoke(256);

  OptionsSchema<S::Time> time;
  time.key("max_dt", &S::Time::max_dt, "largest time step").greater_than(0);
  time.key("cfl", &S::Time::cfl, "CFL limit dt*max|u|*n").greater_than(0);
  time.key("adaptive", &S::Time::adaptive, "shrink steps to keep the CFL number (else exceeding it is an error)");

  OptionsSchema<S> o;
  o.map("grid", &S::grid, grid, "periodic solve grid on [0,1)");
  o.key("store_n", &S::store_n, "stored points (every grid.n/store_n-th point)").at_least(2).smoke(64);
  o.key("nu", &S::nu, "viscosity").greater_than(0);
  o.key("final_time", &S::final_time, "end time T").greater_than(0).smoke(0.1);
  o.key("record_every", &S::record_every, "record u every this much time (T must be a multiple)")
      .greater_than(0)
      .smoke(0.05);
  o.map("time", &S::time, time, "IFRK4 time stepping");
  o.map("initial", &S::initial, covariance_options(2.0, 5.0, 25.0),
        "u0 ~ N(0, sigma^2 (-Laplacian + tau^2 I)^(-alpha))");
  o.map("samples", &S::samples, sample_split_options(1000, 200, 4, 2), "number of samples per split");
  o.choice("dtype", &S::dtype, dtype_choices(), "storage precision");
  o.file("out", &S::out, ValueKind::output_file, "dataset file");
  return o;
}

}  // namespace

Schema BurgersStage::schema() { return options().schema(); }

BurgersStage::BurgersStage(const StageConfig& config) {
  const Settings s = options().read(config);
  initial_ = on_grid(s.initial, 1, s.grid.n);
  recording_ = make_recording(s.grid.n, s.store_n, s.final_time, s.record_every);
  train_ = s.samples.train;
  test_ = s.samples.test;
  dtype_ = s.dtype;
  out_ = s.out;
  solver_.n = s.grid.n;
  solver_.nu = s.nu;
  solver_.max_dt = s.time.max_dt;
  solver_.cfl = s.time.cfl;
  solver_.adaptive = s.time.adaptive;
}

void BurgersStage::run(const RunContext& context) {
  ScopedTimer timer("generate.burgers");
  share_fft_plans(
      [&] {
        Burgers1D plan_solver(solver_);
        GaussianRandomField plan_grf(initial_);
      },
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
               layout.n_samples, recording_.store_n, solver_.n,
               writer.local_samples().size() ? total_steps / writer.local_samples().size() : 0);
}

}  // namespace ff::spectral
