#include "solvers/spectral/ns2d_stage.hpp"

#include "core/hash.hpp"
#include "core/timer.hpp"
#include "io/sample_loop.hpp"
#include "solvers/spectral/grf_stage.hpp"
#include "solvers/spectral/plan_sharing.hpp"
#include "solvers/spectral/recording.hpp"

#include <spdlog/spdlog.h>

#include <cmath>

namespace ff::spectral {

Schema NavierStokes2DStage::schema() {
  Schema grid;
  grid.key("n", ValueKind::integer, "solve grid points per axis").def(256).at_least(8).at_most(8192).smoke(32);

  Schema forcing;
  forcing.key("kind", ValueKind::choice,
              "fno: f = 0.1 (sin 2pi(x+y) + cos 2pi(x+y)); kolmogorov: f = -amplitude 2pi k cos(2pi k y), the curl of "
              "the body force (amplitude sin(2pi k y), 0); none")
      .def("fno")
      .choices({"fno", "kolmogorov", "none"});
  forcing.key("wavenumber", ValueKind::integer, "Kolmogorov wavenumber k").def(4).at_least(1);
  forcing.key("amplitude", ValueKind::number, "Kolmogorov body-force amplitude").def(1.0);

  Schema s;
  s.map("grid", grid, "periodic solve grid on [0,1)^2");
  s.key("store_n", ValueKind::integer, "stored points per axis (every grid.n/store_n-th point)").def(64).at_least(2).smoke(16);
  s.key("nu", ValueKind::number, "viscosity").def(1e-3).greater_than(0);
  s.key("drag", ValueKind::number, "linear drag mu (Kolmogorov flow)").def(0.0).at_least(0);
  s.key("dt", ValueKind::number, "time step").def(1e-4).greater_than(0);
  s.key("max_cfl", ValueKind::number, "stop a sample when dt*max(|u|+|v|)*n exceeds this").def(1.0).greater_than(0);
  s.key("final_time", ValueKind::number, "end time T").def(50.0).greater_than(0).smoke(0.02);
  s.key("record_every", ValueKind::number, "record w every this much time (a multiple of dt; T a multiple of it)")
      .def(1.0)
      .greater_than(0)
      .smoke(0.01);
  s.map("forcing", forcing, "time-independent vorticity forcing f");
  s.map("initial", covariance_schema(2.5, 7.0, std::pow(7.0, 0.75)),
        "w0 ~ N(0, sigma^2 (-Laplacian + tau^2 I)^(-alpha))");
  s.map("samples", sample_split_schema(1000, 200, 2, 1), "number of samples per split");
  s.key("dtype", ValueKind::choice, "storage precision").def("float32").choices({"float32", "float64"});
  s.key("out", ValueKind::output_file, "dataset file").def("ns2d.h5");
  return s;
}

NavierStokes2DStage::NavierStokes2DStage(const StageConfig& config)
    : initial_(read_covariance(config, "initial", 2, config.get<int>("grid.n"))),
      forcing_kind_(config.get<std::string>("forcing.kind")),
      forcing_amplitude_(config.get<double>("forcing.amplitude")),
      forcing_wavenumber_(config.get<int>("forcing.wavenumber")),
      recording_(read_recording(config)),
      steps_per_record_(steps_between(config.get<double>("record_every"), config.get<double>("dt"), "record_every", "dt")),
      train_(config.get<long>("samples.train")),
      test_(config.get<long>("samples.test")),
      dtype_(parse_dtype(config.get<std::string>("dtype"))),
      out_(config.output_path("out")) {
  solver_.n = config.get<int>("grid.n");
  solver_.nu = config.get<double>("nu");
  solver_.drag = config.get<double>("drag");
  solver_.dt = config.get<double>("dt");
  solver_.max_cfl = config.get<double>("max_cfl");
}

std::vector<double> NavierStokes2DStage::forcing() const {
  const int n = solver_.n;
  std::vector<double> f(static_cast<long>(n) * n, 0.0);
  if (forcing_kind_ == "none") return f;
  const double two_pi = 2 * M_PI;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      const double x = double(i) / n, y = double(j) / n;
      const double k = forcing_wavenumber_;
      f[static_cast<long>(i) * n + j] =
          forcing_kind_ == "fno" ? 0.1 * (std::sin(two_pi * (x + y)) + std::cos(two_pi * (x + y)))
                                 : -forcing_amplitude_ * two_pi * k * std::cos(two_pi * k * y);
    }
  return f;
}

void NavierStokes2DStage::run(const RunContext& context) {
  ScopedTimer timer("generate.ns2d");
  const std::vector<double> f = forcing();
  share_fft_plans([&] { NavierStokes2D plan_solver(solver_, f); GaussianRandomField plan_grf(initial_); },
                  wisdom_file_for(context.stage_dir));
  NavierStokes2D ns(solver_, f);
  GaussianRandomField grf(initial_);

  const auto s = static_cast<std::uint64_t>(recording_.store_n);
  const long plane = static_cast<long>(recording_.store_n) * recording_.store_n, n_times = static_cast<long>(recording_.times.size());
  DatasetLayout layout;
  layout.grid.shape = {recording_.store_n, recording_.store_n};
  layout.grid.extent = {1.0, 1.0};
  layout.times = recording_.times;
  layout.fields = {{"inputs/w0", {s, s}, dtype_, {}},
                   {"inputs/f", {s, s}, dtype_, {}},
                   {"outputs/w", {static_cast<std::uint64_t>(n_times), s, s}, dtype_,
                    {{"solve_n", double(solver_.n)}, {"dt", solver_.dt}, {"drag", solver_.drag}}},
                   {"params/nu", {}, DType::float64, {}}};
  layout.split_contiguous(train_, test_);

  DatasetWriter writer(out_, layout, context.provenance());
  std::vector<double> stored_f(plane);
  subsample(f.data(), 2, solver_.n, recording_.stride, stored_f.data());
  const std::uint64_t stream = fnv1a64(context.stage_name);
  std::vector<double> w(f.size()), stored(plane), trajectory(n_times * plane);
  for_each_local_sample(writer, context, [&](long i) {
    SampleRng rng(context.seed, stream, static_cast<std::uint64_t>(i));
    grf.sample(rng, w.data());
    subsample(w.data(), 2, solver_.n, recording_.stride, stored.data());
    writer.write_sample("inputs/w0", i, stored.data());
    writer.write_sample("inputs/f", i, stored_f.data());
    ns.set_vorticity(w.data());
    for (long t = 0; t < n_times; ++t) {
      ns.advance(steps_per_record_);
      ns.vorticity(w.data());
      subsample(w.data(), 2, solver_.n, recording_.stride, trajectory.data() + t * plane);
    }
    writer.write_sample("outputs/w", i, trajectory.data());
    writer.write_sample("params/nu", i, &solver_.nu);
  });
  writer.commit();
  spdlog::info("{}: wrote {} samples, {} records of {}^2 (solved at {}^2, {} steps each)", context.stage_name,
               layout.n_samples, n_times, recording_.store_n, solver_.n, steps_per_record_ * n_times);
}

}  // namespace ff::spectral
