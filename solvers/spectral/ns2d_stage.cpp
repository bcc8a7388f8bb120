#include "solvers/spectral/ns2d_stage.hpp"

#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/timer.hpp"
#include "io/sample_loop.hpp"
#include "solvers/fourier/covariance_options.hpp"
#include "solvers/fourier/plan_sharing.hpp"
#include "solvers/spectral/recording.hpp"
#include "solvers/spectral/spectral_resampling.hpp"

#include <spdlog/spdlog.h>

#include <cmath>
#include <memory>

namespace ff::spectral {

namespace {

constexpr double fno_generator_dt = 1e-4;  // ns_2d.py's step at 256²
constexpr int fno_generator_grid = 256;
// Below this solve grid a second FFTW thread slows one sample down (README.md).
constexpr int smallest_grid_for_fft_threads = 512;

struct Settings {
  struct Grid {
    int n = 0;  // 0: default_solve_grid
  };
  Grid grid;
  long store_n = 64;
  int sample_grid = fno_generator_grid;
  TimeScheme scheme = TimeScheme::ifrk4;
  double nu = 1e-3, drag = 0.0, dt = 0.0, cfl = 1.0, max_cfl = 1.2, final_time = 50.0, record_every = 1.0,
         spin_up = 0.0;
  NavierStokes2DStage::Forcing forcing;
  GrfOptions initial;
  SampleSplit samples;
  DType dtype = DType::float32;
  std::filesystem::path out = "ns2d.h5";
};

OptionsSchema<Settings> options() {
  using S = Settings;
  using F = NavierStokes2DStage::Forcing;
  OptionsSchema<S::Grid> grid;
  grid.key("n", &S::Grid::n,
           "solve grid points per axis (default: 256 for scheme fno, else the FFT-friendly n >= 0.96 nu^(-1/2): 32 "
           "at nu 1e-3, 96 at 1e-4, 320 at 1e-5, measured to beat the FNO generator's dataset error, see README)")
      .no_default()
      .at_least(8)
      .at_most(8192)
      .smoke(32);

  OptionsSchema<F> forcing;
  forcing
      .choice("kind", &F::kind, {{"fno", F::Kind::fno}, {"kolmogorov", F::Kind::kolmogorov}, {"none", F::Kind::none}},
              "fno: f = 0.1 (sin 2pi(x+y) + cos 2pi(x+y)); kolmogorov: f = -amplitude 2pi k cos(2pi k y), the curl "
              "of the body force (amplitude sin(2pi k y), 0); none")
      .def("fno");
  forcing.key("wavenumber", &F::wavenumber, "Kolmogorov wavenumber k").at_least(1);
  forcing.key("amplitude", &F::amplitude, "Kolmogorov body-force amplitude");

  OptionsSchema<S> o;
  o.map("grid", &S::grid, grid, "periodic solve grid on [0,1)^2");
  o.key("store_n", &S::store_n, "stored points per axis (point values of the solution, any size)")
      .at_least(2)
      .at_most(8192)
      .smoke(16);
  o.key("sample_grid", &S::sample_grid,
        "grid the initial GRF is drawn on (then carried to the solve grid), so that datasets solved on different "
        "grids start from the same fields")
      .def(fno_generator_grid)
      .at_least(8)
      .at_most(8192)
      .smoke(32);
  o.choice("scheme", &S::scheme, {{"ifrk4", TimeScheme::ifrk4}, {"fno", TimeScheme::fno}},
           "ifrk4: integrating-factor RK4 with CFL-controlled steps; fno: the FNO generator's step (one explicit "
           "advection term, Crank-Nicolson), to reproduce its datasets")
      .def("ifrk4");
  o.key("nu", &S::nu, "viscosity").greater_than(0);
  o.key("drag", &S::drag, "linear drag mu (Kolmogorov flow)").at_least(0);
  o.key("dt", &S::dt,
        "fno: the time step (default 1e-4, the generator's); ifrk4: the largest step (default record_every)")
      .no_default()
      .greater_than(0);
  o.key("cfl", &S::cfl, "ifrk4: steps shrink so that dt*max(|u|+|v|)*n stays below this").def(1.0).greater_than(0);
  o.key("max_cfl", &S::max_cfl,
        "stop a sample when dt*max(|u|+|v|)*n exceeds this (fixed steps; CFL-controlled ones stay at cfl)")
      .def(1.2)
      .greater_than(0);
  o.key("final_time", &S::final_time, "end time T").greater_than(0).smoke(0.02);
  o.key("record_every", &S::record_every, "record w every this much time (T - spin_up a multiple of it)")
      .greater_than(0)
      .smoke(0.01);
  o.key("spin_up", &S::spin_up, "time solved before the first record (forced flows forget their start)")
      .at_least(0)
      .smoke(0);
  o.map("forcing", &S::forcing, forcing, "time-independent vorticity forcing f");
  // The FNO code's GaussianRF(alpha 2.5, tau 7) in fieldforge's convention:
  // sigma = sqrt(2) tau^(alpha-1) = sqrt(2) 7^1.5 (README "Initial-vorticity amplitude").
  o.map("initial", &S::initial, covariance_options(2.5, 7.0, std::sqrt(2.0) * std::pow(7.0, 1.5)),
        "w0 ~ N(0, sigma^2 (-Laplacian + tau^2 I)^(-alpha)); the default is the FNO code's amplitude");
  o.map("samples", &S::samples, sample_split_options(1000, 200, 2, 1), "number of samples per split");
  o.choice("dtype", &S::dtype, dtype_choices(), "storage precision");
  o.file("out", &S::out, ValueKind::output_file, "dataset file");
  return o;
}

// What one worker thread owns: its solver and the scratch of one sample.
struct Worker {
  Worker(const NavierStokes2DOptions& solver_options, const std::vector<double>& f, const GrfOptions& initial,
         int store_n)
      : solver(solver_options, f),
        grf(initial, 1),
        drawn_fft({initial.n, initial.n}, 1),
        to_store(solver_options.n, store_n),
        drawn_to_store(initial.n, store_n),
        drawn(grf.size()),
        drawn_hat(drawn_fft.spectral_size()),
        solve_hat(solver.spectrum().size()) {}

  NavierStokes2D solver;
  GaussianRandomField grf;
  RealFFT drawn_fft;
  PointSampler to_store, drawn_to_store;
  std::vector<double> drawn;
  std::vector<std::complex<double>> drawn_hat, solve_hat;
};

// One computed sample waiting to be written.
struct StoredSample {
  std::vector<double> w0, trajectory;
};

}  // namespace

int NavierStokes2DStage::default_solve_grid(double nu) {
  // The smallest scales of the flow shrink like sqrt(nu), so the grid grows
  // like nu^(-1/2). The constant is measured (bench/ns2d_dataset): 32^2 at
  // nu = 1e-3 (T = 50) and 96^2 at nu = 1e-4 (over T = 10) give dataset
  // errors 2.3e-4 and 4.4e-5, 75 and 20 times below the FNO generator's, where
  // 24^2 is only 6 times below and 64^2 at nu = 1e-4 above it. Stored points
  // are point values of the solution whatever the stored grid, so it does not
  // enter.
  const double wanted = std::max(16.0, std::ceil(0.96 / std::sqrt(nu) - 1e-6));
  int n = static_cast<int>(std::min(wanted, 8192.0));
  auto fft_friendly = [](int m) {
    if (m % 2 != 0) return false;
    for (int p : {2, 3, 5})
      while (m % p == 0) m /= p;
    return m == 1;
  };
  while (!fft_friendly(n)) ++n;
  return n;
}

std::vector<double> NavierStokes2DStage::forcing_on_grid(const Forcing& forcing, int n) {
  std::vector<double> f(static_cast<long>(n) * n, 0.0);
  if (forcing.kind == Forcing::Kind::none) return f;
  const double two_pi = 2 * M_PI;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      const double x = double(i) / n, y = double(j) / n;
      const double k = forcing.wavenumber;
      f[static_cast<long>(i) * n + j] = forcing.kind == Forcing::Kind::fno
                                            ? 0.1 * (std::sin(two_pi * (x + y)) + std::cos(two_pi * (x + y)))
                                            : -forcing.amplitude * two_pi * k * std::cos(two_pi * k * y);
    }
  return f;
}

Schema NavierStokes2DStage::schema() { return options().schema(); }

NavierStokes2DStage::NavierStokes2DStage(const StageConfig& config) {
  const Settings s = options().read(config);
  const bool fno = s.scheme == TimeScheme::fno;
  store_n_ = static_cast<int>(s.store_n);
  times_ = record_times(s.final_time, s.record_every, s.spin_up);
  solver_.n = s.grid.n > 0 ? s.grid.n : fno ? fno_generator_grid : default_solve_grid(s.nu);
  solver_.nu = s.nu;
  solver_.drag = s.drag;
  solver_.scheme = s.scheme;
  solver_.dt = s.dt > 0 ? s.dt : fno ? fno_generator_dt : s.record_every;
  solver_.cfl = fno ? 0.0 : s.cfl;
  solver_.max_cfl = s.max_cfl;
  if (fno) steps_between(s.record_every, solver_.dt, "record_every", "dt");
  // Fixed steps (fno, or ifrk4 without CFL control) must land on the first record.
  if ((fno || s.cfl <= 0) && s.spin_up > 0) steps_between(s.spin_up, solver_.dt, "spin_up", "dt");
  spin_up_ = s.spin_up;
  FF_REQUIRE(fno || s.cfl <= s.max_cfl, InputError, "cfl = {} exceeds max_cfl = {}", s.cfl, s.max_cfl);
  initial_ = on_grid(s.initial, 2, s.sample_grid);
  forcing_ = s.forcing;
  train_ = s.samples.train;
  test_ = s.samples.test;
  dtype_ = s.dtype;
  out_ = s.out;
}

void NavierStokes2DStage::run(const RunContext& context) {
  ScopedTimer timer("generate.ns2d");
  const std::vector<double> f = forcing_on_grid(forcing_, solver_.n);
  const auto s = static_cast<std::uint64_t>(store_n_);
  const long plane = static_cast<long>(store_n_) * store_n_, n_times = static_cast<long>(times_.size());
  DatasetLayout layout;
  layout.grid.shape = {store_n_, store_n_};
  layout.grid.extent = {1.0, 1.0};
  layout.times = times_;
  layout.fields = {{"inputs/w0", {s, s}, dtype_, {}},
                   {"inputs/f", {s, s}, dtype_, {}},
                   {"outputs/w",
                    {static_cast<std::uint64_t>(n_times), s, s},
                    dtype_,
                    {{"solve_n", double(solver_.n)},
                     {"dt", solver_.dt},
                     {"cfl", solver_.cfl},
                     {"scheme_fno", solver_.scheme == TimeScheme::fno ? 1.0 : 0.0},
                     {"drag", solver_.drag},
                     {"spin_up", spin_up_}}},
                   {"params/nu", {}, DType::float64, {}}};
  layout.split_contiguous(train_, test_);
  DatasetWriter writer(out_, layout, context.provenance());

  // Several samples: one sample per thread, each with one FFTW thread, so
  // results do not depend on the thread count. A single sample in the whole
  // dataset: FFTW threads where they pay (decided from the dataset, not the
  // rank, so every rank plans alike).
  const long local = writer.local_samples().size();
  const int workers = static_cast<int>(std::max<long>(1, std::min<long>(fft_threads(), local)));
  NavierStokes2DOptions per_worker = solver_;
  per_worker.threads = layout.n_samples == 1 && solver_.n >= smallest_grid_for_fft_threads ? fft_threads() : 1;

  std::vector<std::unique_ptr<Worker>> pool(workers);
  share_fft_plans([&] { Worker plans(per_worker, f, initial_, store_n_); }, wisdom_file_for(context.stage_dir));
  for (auto& w : pool) w = std::make_unique<Worker>(per_worker, f, initial_, store_n_);
  std::vector<StoredSample> slots(output_slots(workers));
  for (auto& slot : slots) {
    slot.w0.resize(plane);
    slot.trajectory.resize(n_times * plane);
  }
  const std::vector<double> stored_f = forcing_on_grid(forcing_, store_n_);
  const std::uint64_t stream = fnv1a64(context.stage_name);

  auto compute = [&](long i, int id, int slot) {
    Worker& w = *pool[id];
    StoredSample& out = slots[slot];
    SampleRng rng(context.seed, stream, static_cast<std::uint64_t>(i));
    w.grf.sample(rng, w.drawn.data());
    w.drawn_fft.forward(w.drawn.data(), w.drawn_hat.data());
    w.drawn_to_store.sample(w.drawn_hat.data(), out.w0.data());
    transfer_spectrum(w.drawn_hat.data(), initial_.n, w.solve_hat.data(), solver_.n);
    w.solver.set_spectrum(w.solve_hat.data());
    for (long t = 0; t < n_times; ++t) {
      w.solver.advance_to(times_[t]);
      w.to_store.sample(w.solver.spectrum().data(), out.trajectory.data() + t * plane);
    }
  };
  auto write = [&](long i, int slot) {
    writer.write_sample("inputs/w0", i, slots[slot].w0.data());
    writer.write_sample("inputs/f", i, stored_f.data());
    writer.write_sample("outputs/w", i, slots[slot].trajectory.data());
    writer.write_sample("params/nu", i, &solver_.nu);
  };
  for_each_local_sample(writer, context, workers, compute, write);
  writer.commit();
  spdlog::info("{}: wrote {} samples, {} records of {}^2 (solved at {}^2 with {}, {} worker thread{})",
               context.stage_name, layout.n_samples, n_times, store_n_, solver_.n,
               solver_.scheme == TimeScheme::fno ? "the FNO generator's step" : "IFRK4", workers,
               workers == 1 ? "" : "s");
}

}  // namespace ff::spectral
