#include "solvers/spectral/ns3d_stage.hpp"

#include "core/hash.hpp"
#include "core/timer.hpp"
#include "io/sample_loop.hpp"
#include "solvers/fourier/plan_sharing.hpp"
#include "solvers/spectral/recording.hpp"

#include <spdlog/spdlog.h>

namespace ff::spectral {

namespace {

struct Settings {
  struct Grid {
    int n = 64;
  };
  struct Forcing {
    double power = 0.0, wavenumber = 2.5;
  };
  Grid grid;
  long store_n = 32;
  double nu = 2e-3, dt = 2e-3, max_cfl = 1.0, final_time = 2.0, record_every = 0.2, spin_up = 0.0;
  IsotropicVelocityOptions initial;  // peak_wavenumber and energy; n is grid.n
  Forcing forcing;
  SampleSplit samples;
  DType dtype = DType::float32;
  std::filesystem::path out = "ns3d.h5";
};

OptionsSchema<Settings> options() {
  using S = Settings;
  OptionsSchema<S::Grid> grid;
  grid.key("n", &S::Grid::n, "solve grid points per axis").at_least(8).at_most(1024).smoke(16);

  OptionsSchema<IsotropicVelocityOptions> initial;
  initial.key("peak_wavenumber", &IsotropicVelocityOptions::peak_wavenumber, "k0 of E(k) ~ k^4 exp(-2 (k/k0)^2)")
      .greater_than(0);
  initial.key("energy", &IsotropicVelocityOptions::energy, "initial kinetic energy <|u|^2>/2").greater_than(0);

  OptionsSchema<S::Forcing> forcing;
  forcing.key("power", &S::Forcing::power, "injected power epsilon (0: decaying turbulence)").at_least(0);
  forcing.key("wavenumber", &S::Forcing::wavenumber, "forced modes have 0 < |k| <= this").at_least(1);

  OptionsSchema<S> o;
  o.map("grid", &S::grid, grid, "periodic solve grid on [0,1)^3");
  o.key("store_n", &S::store_n, "stored points per axis (every grid.n/store_n-th point)").at_least(2).smoke(16);
  o.key("nu", &S::nu, "viscosity").greater_than(0);
  o.key("dt", &S::dt, "time step").greater_than(0);
  o.key("max_cfl", &S::max_cfl, "stop a sample when dt*max(|u|+|v|+|w|)*n exceeds this").greater_than(0);
  o.key("final_time", &S::final_time, "end time T").greater_than(0).smoke(0.02);
  o.key("record_every", &S::record_every,
        "record every this much time (a multiple of dt; T - spin_up a multiple of it)")
      .greater_than(0)
      .smoke(0.01);
  o.key("spin_up", &S::spin_up,
        "time solved before the first record (a multiple of dt), so forced turbulence "
        "reaches its statistically steady state first")
      .at_least(0)
      .smoke(0);
  o.map("initial", &S::initial, initial, "random-phase isotropic initial velocity");
  o.map("forcing", &S::forcing, forcing, "linear forcing of the largest scales (forced isotropic turbulence)");
  o.map("samples", &S::samples, sample_split_options(16, 4, 2, 1), "number of samples per split");
  o.choice("dtype", &S::dtype, dtype_choices(), "storage precision of the fields");
  o.file("out", &S::out, ValueKind::output_file, "dataset file");
  return o;
}

}  // namespace

Schema NavierStokes3DStage::schema() { return options().schema(); }

NavierStokes3DStage::NavierStokes3DStage(const StageConfig& config) {
  const Settings s = options().read(config);
  recording_ = make_recording(s.grid.n, s.store_n, s.final_time, s.record_every, s.spin_up);
  steps_per_record_ = steps_between(s.record_every, s.dt, "record_every", "dt");
  spin_up_steps_ = s.spin_up > 0 ? steps_between(s.spin_up, s.dt, "spin_up", "dt") : 0;
  train_ = s.samples.train;
  test_ = s.samples.test;
  dtype_ = s.dtype;
  out_ = s.out;
  solver_.n = s.grid.n;
  solver_.nu = s.nu;
  solver_.dt = s.dt;
  solver_.max_cfl = s.max_cfl;
  solver_.forcing_power = s.forcing.power;
  solver_.forcing_wavenumber = s.forcing.wavenumber;
  initial_ = s.initial;
  initial_.n = s.grid.n;
}

void NavierStokes3DStage::run(const RunContext& context) {
  ScopedTimer timer("generate.ns3d");
  share_fft_plans(
      [&] {
        NavierStokes3D plan_solver(solver_);
        IsotropicVelocity plan_initial(initial_);
      },
      wisdom_file_for(context.stage_dir));
  NavierStokes3D ns(solver_);
  IsotropicVelocity initial(initial_);

  const auto s = static_cast<std::uint64_t>(recording_.store_n),
             n_times = static_cast<std::uint64_t>(recording_.times.size());
  const auto shells = static_cast<std::uint64_t>(ns.shells());
  const long points = static_cast<long>(solver_.n) * solver_.n * solver_.n;
  const long stored = static_cast<long>(s * s * s);
  const std::vector<std::pair<std::string, double>> solve_attributes{
      {"solve_n", double(solver_.n)},
      {"dt", solver_.dt},
      {"forcing_power", solver_.forcing_power},
      {"spin_up", static_cast<double>(spin_up_steps_) * solver_.dt}};
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
    for (int c = 0; c < 3; ++c)
      subsample(fine.data() + c * points, 3, solver_.n, recording_.stride, coarse + c * stored);
  };
  for_each_local_sample(writer, context, [&](long i) {
    SampleRng rng(context.seed, stream, static_cast<std::uint64_t>(i));
    initial.sample(rng, field.data());
    store(field, stored_u0.data());
    ns.set_velocity(field.data());
    ns.advance(spin_up_steps_);
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
               layout.n_samples, n_times, recording_.store_n, solver_.n,
               spin_up_steps_ + steps_per_record_ * static_cast<long>(n_times));
}

}  // namespace ff::spectral
