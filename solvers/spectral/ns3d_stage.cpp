#include "solvers/spectral/ns3d_stage.hpp"

#include "core/hash.hpp"
#include "core/timer.hpp"
#include "io/sample_loop.hpp"
#include "solvers/spectral/plan_sharing.hpp"
#include "solvers/spectral/recording.hpp"

#include <spdlog/spdlog.h>

namespace ff::spectral {

Schema NavierStokes3DStage::schema() {
  Schema grid;
  grid.key("n", ValueKind::integer, "solve grid points per axis").def(64).at_least(8).at_most(1024).smoke(16);

  Schema initial;
  initial.key("peak_wavenumber", ValueKind::number, "k0 of E(k) ~ k^4 exp(-2 (k/k0)^2)").def(4.0).greater_than(0);
  initial.key("energy", ValueKind::number, "initial kinetic energy <|u|^2>/2").def(0.5).greater_than(0);

  Schema forcing;
  forcing.key("power", ValueKind::number, "injected power epsilon (0: decaying turbulence)").def(0.0).at_least(0);
  forcing.key("wavenumber", ValueKind::number, "forced modes have 0 < |k| <= this").def(2.5).at_least(1);

  Schema s;
  s.map("grid", grid, "periodic solve grid on [0,1)^3");
  s.key("store_n", ValueKind::integer, "stored points per axis (every grid.n/store_n-th point)").def(32).at_least(2).smoke(8);
  s.key("nu", ValueKind::number, "viscosity").def(2e-3).greater_than(0);
  s.key("dt", ValueKind::number, "time step").def(2e-3).greater_than(0);
  s.key("max_cfl", ValueKind::number, "stop a sample when dt*max(|u|+|v|+|w|)*n exceeds this").def(1.0).greater_than(0);
  s.key("final_time", ValueKind::number, "end time T").def(2.0).greater_than(0).smoke(0.02);
  s.key("record_every", ValueKind::number, "record every this much time (a multiple of dt; T a multiple of it)")
      .def(0.2)
      .greater_than(0)
      .smoke(0.01);
  s.map("initial", initial, "random-phase isotropic initial velocity");
  s.map("forcing", forcing, "linear forcing of the largest scales (forced isotropic turbulence)");
  s.map("samples", sample_split_schema(16, 4, 2, 1), "number of samples per split");
  s.key("dtype", ValueKind::choice, "storage precision of the fields").def("float32").choices({"float32", "float64"});
  s.key("out", ValueKind::output_file, "dataset file").def("ns3d.h5");
  return s;
}

NavierStokes3DStage::NavierStokes3DStage(const StageConfig& config)
    : recording_(read_recording(config)),
      steps_per_record_(steps_between(config.get<double>("record_every"), config.get<double>("dt"), "record_every", "dt")),
      train_(config.get<long>("samples.train")),
      test_(config.get<long>("samples.test")),
      dtype_(parse_dtype(config.get<std::string>("dtype"))),
      out_(config.output_path("out")) {
  solver_.n = config.get<int>("grid.n");
  solver_.nu = config.get<double>("nu");
  solver_.dt = config.get<double>("dt");
  solver_.max_cfl = config.get<double>("max_cfl");
  solver_.forcing_power = config.get<double>("forcing.power");
  solver_.forcing_wavenumber = config.get<double>("forcing.wavenumber");
  initial_.n = solver_.n;
  initial_.peak_wavenumber = config.get<double>("initial.peak_wavenumber");
  initial_.energy = config.get<double>("initial.energy");
}

void NavierStokes3DStage::run(const RunContext& context) {
  ScopedTimer timer("generate.ns3d");
  share_fft_plans([&] { NavierStokes3D plan_solver(solver_); IsotropicVelocity plan_initial(initial_); },
                  wisdom_file_for(context.stage_dir));
  NavierStokes3D ns(solver_);
  IsotropicVelocity initial(initial_);

  const auto s = static_cast<std::uint64_t>(recording_.store_n), n_times = static_cast<std::uint64_t>(recording_.times.size());
  const auto shells = static_cast<std::uint64_t>(ns.shells());
  const long points = static_cast<long>(solver_.n) * solver_.n * solver_.n;
  const long stored = static_cast<long>(s * s * s);
  const std::vector<std::pair<std::string, double>> solve_attributes{
      {"solve_n", double(solver_.n)}, {"dt", solver_.dt}, {"forcing_power", solver_.forcing_power}};
  DatasetLayout layout;
  layout.grid.shape = {recording_.store_n, recording_.store_n, recording_.store_n};
  layout.grid.extent = {1.0, 1.0, 1.0};
  layout.times = recording_.times;
  layout.fields = {{"inputs/u0", {3, s, s, s}, dtype_, {}, 3},
                   {"outputs/u", {n_times, 3, s, s, s}, dtype_, solve_attributes, 3},
                   {"outputs/omega", {n_times, 3, s, s, s}, dtype_, solve_attributes, 3},
                   {"outputs/spectrum", {n_times, shells}, DType::float64, {{"solve_n", double(solver_.n)}}},
                   {"params/nu", {}, DType::float64, {}}};
  layout.split_contiguous(train_, test_);

  DatasetWriter writer(out_, layout, context.provenance());
  const std::uint64_t stream = fnv1a64(context.stage_name);
  std::vector<double> field(3 * points), stored_u0(3 * stored), velocity(n_times * 3 * stored),
      vorticity(n_times * 3 * stored), spectra;
  auto store = [&](const std::vector<double>& fine, double* coarse) {
    for (int c = 0; c < 3; ++c) subsample(fine.data() + c * points, 3, solver_.n, recording_.stride, coarse + c * stored);
  };
  for_each_local_sample(writer, context, [&](long i) {
    SampleRng rng(context.seed, stream, static_cast<std::uint64_t>(i));
    initial.sample(rng, field.data());
    store(field, stored_u0.data());
    ns.set_velocity(field.data());
    spectra.clear();
    for (std::uint64_t t = 0; t < n_times; ++t) {
      ns.advance(steps_per_record_);
      ns.velocity(field.data());
      store(field, velocity.data() + t * 3 * stored);
      ns.vorticity(field.data());
      store(field, vorticity.data() + t * 3 * stored);
      const auto spectrum = ns.energy_spectrum();
      spectra.insert(spectra.end(), spectrum.begin(), spectrum.end());
    }
    writer.write_sample("inputs/u0", i, stored_u0.data());
    writer.write_sample("outputs/u", i, velocity.data());
    writer.write_sample("outputs/omega", i, vorticity.data());
    writer.write_sample("outputs/spectrum", i, spectra.data());
    writer.write_sample("params/nu", i, &solver_.nu);
  });
  writer.commit();
  spdlog::info("{}: wrote {} samples, {} records of 3 x {}^3 (solved at {}^3, {} steps each)", context.stage_name,
               layout.n_samples, n_times, recording_.store_n, solver_.n, steps_per_record_ * static_cast<long>(n_times));
}

}  // namespace ff::spectral
