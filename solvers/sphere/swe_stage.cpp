#include "solvers/sphere/swe_stage.hpp"

#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/timer.hpp"
#include "io/sample_loop.hpp"
#include "solvers/sphere/legendre.hpp"
#include "solvers/sphere/sht.hpp"

#include <spdlog/spdlog.h>

#include <cmath>

namespace ff::sphere {
namespace {

struct Settings {
  struct Solver {
    int lmax = 85;
    double dt = 120.0;  // s
    double hyperdiffusion_hours = 3.0;
  };
  struct Planet {
    double radius = 6.37122e6, omega = 7.292e-5, gravity = 9.80616;
  };
  struct Store {
    GridKind kind = GridKind::equiangular;
    int nlat = 128, nlon = 256;
  };
  Solver solver;
  Planet planet;
  Store store;
  RandomFlowOptions initial;
  double spinup_hours = 0.0, record_every_hours = 1.0;
  long records = 24;
  SampleSplit samples;
  DType dtype = DType::float32;
  std::filesystem::path out = "swe.h5";
};

OptionsSchema<Settings> options() {
  using S = Settings;
  OptionsSchema<S::Solver> solver;
  solver.key("lmax", &S::Solver::lmax, "spectral truncation (the solve grid is Gauss, 3(lmax+1)/2 x twice that)")
      .at_least(4)
      .at_most(1023)
      .smoke(21);
  solver
      .key("dt", &S::Solver::dt,
           "time step in seconds (refused above the AB3 gravity-wave limit: 140 s at lmax 85, 10 km deep)")
      .greater_than(0)
      .smoke(450);
  solver
      .key("hyperdiffusion_hours", &S::Solver::hyperdiffusion_hours,
           "e-folding time of degree lmax under del^8 hyperdiffusion, hours (0: off)")
      .at_least(0);

  OptionsSchema<S::Planet> planet;
  planet.key("radius", &S::Planet::radius, "sphere radius, m").greater_than(0).at_most(1e9);
  planet.key("omega", &S::Planet::omega, "rotation rate, rad/s").at_least(-1e-2).at_most(1e-2);
  planet.key("gravity", &S::Planet::gravity, "gravitational acceleration, m/s^2").greater_than(0);

  OptionsSchema<S::Store> store;
  store
      .choice("kind", &S::Store::kind, {{"equiangular", GridKind::equiangular}, {"gauss", GridKind::gauss}},
              "stored grid: equiangular (both poles included) or Gauss")
      .def("equiangular");
  store.key("nlat", &S::Store::nlat, "stored latitudes").at_least(4).at_most(4096).smoke(16);
  store.key("nlon", &S::Store::nlon, "stored longitudes").at_least(4).at_most(8192).smoke(32);

  OptionsSchema<RandomFlowOptions> initial;
  initial.key("mean_depth", &RandomFlowOptions::mean_depth, "mean layer depth, m").greater_than(0);
  initial.key("rms_speed", &RandomFlowOptions::rms_speed, "root mean square speed of the initial flow, m/s")
      .at_least(0);
  initial.key("slope", &RandomFlowOptions::slope, "variance of each streamfunction coefficient ~ (l(l+1))^-slope")
      .at_least(0)
      .at_most(20);
  initial.key("max_degree", &RandomFlowOptions::max_degree, "highest degree of the initial streamfunction")
      .at_least(1)
      .smoke(8);

  OptionsSchema<S> o;
  o.map("solver", &S::solver, solver, "spectral solver");
  o.map("planet", &S::planet, planet, "planet (Earth by default)");
  o.map("store", &S::store, store, "stored grid");
  o.map("initial", &S::initial, initial, "random balanced initial state");
  o.key("spinup_hours", &S::spinup_hours, "hours run before the first record").at_least(0).smoke(0);
  o.key("record_every_hours", &S::record_every_hours, "hours between records (a multiple of dt)")
      .greater_than(0)
      .smoke(1);
  o.key("records", &S::records, "records after the initial state (the trajectory has records + 1 states)")
      .at_least(1)
      .at_most(100000)
      .smoke(2);
  o.map("samples", &S::samples, sample_split_options(100, 20, 2, 1), "number of samples per split");
  o.choice("dtype", &S::dtype, dtype_choices(), "storage precision");
  o.file("out", &S::out, ValueKind::output_file, "dataset file");
  return o;
}

// Steps of dt in `seconds`: a whole number, at least `least`, at most 1e8.
long whole_steps(double seconds, double dt, const char* key, long least) {
  const double steps = seconds / dt;
  FF_REQUIRE(steps >= least - 0.5 && steps <= 1e8, InputError,
             "{} ({} s) is {:.3g} steps of solver.dt ({} s); allowed: {} to 1e8", key, seconds, steps, dt, least);
  FF_REQUIRE(std::abs(steps - std::round(steps)) < 1e-9 * std::max(1.0, steps), InputError,
             "{} ({} s) must be a whole number of solver.dt ({} s)", key, seconds, dt);
  return std::lround(steps);
}

}  // namespace

Schema ShallowWaterStage::schema() { return options().schema(); }

ShallowWaterStage::ShallowWaterStage(const StageConfig& config) {
  const Settings s = options().read(config);
  solver_.lmax = s.solver.lmax;
  solver_.dt = s.solver.dt;
  solver_.hyperdiffusion_hours = s.solver.hyperdiffusion_hours;
  solver_.radius = s.planet.radius;
  solver_.omega = s.planet.omega;
  solver_.gravity = s.planet.gravity;
  initial_ = s.initial;
  store_kind_ = s.store.kind;
  store_nlat_ = s.store.nlat;
  store_nlon_ = s.store.nlon;
  // Third-order Adams–Bashforth is stable for imaginary eigenvalues up to
  // 0.72/dt; the fastest are gravity waves (plus advection) at degree lmax,
  // shifted by at most the Coriolis frequency 2|Ω|.
  const double L = s.solver.lmax,
               speed = std::sqrt(s.planet.gravity * s.initial.mean_depth) + 3.0 * s.initial.rms_speed;
  const double dt_limit = 0.7 / (speed * std::sqrt(L * (L + 1.0)) / s.planet.radius + 2.0 * std::abs(s.planet.omega));
  FF_REQUIRE(s.solver.dt <= dt_limit, InputError,
             "solver.dt = {} s is above the stable step of about {:.0f} s for lmax {} and a {} m deep layer "
             "(gravity waves at {:.0f} m/s plus 3 x rms_speed)",
             s.solver.dt, dt_limit, s.solver.lmax, s.initial.mean_depth, speed);
  steps_per_record_ = whole_steps(3600.0 * s.record_every_hours, s.solver.dt, "record_every_hours", 1);
  spinup_steps_ = whole_steps(3600.0 * s.spinup_hours, s.solver.dt, "spinup_hours", 0);
  records_ = s.records;
  FF_REQUIRE(spinup_steps_ + double(records_) * steps_per_record_ <= 1e8, InputError,
             "spinup_hours and records x record_every_hours make {:.3g} steps of solver.dt per sample (at most 1e8)",
             spinup_steps_ + double(records_) * steps_per_record_);
  // One sample's trajectory of three fields is held in memory before it is written.
  const double gib = 3.0 * (s.records + 1.0) * s.store.nlat * s.store.nlon * sizeof(double) / double(1L << 30);
  FF_REQUIRE(
      gib <= 4.0, InputError,
      "records = {} on a {}x{} grid needs {:.1f} GiB per sample (limit 4): store fewer records or a coarser grid",
      s.records, s.store.nlat, s.store.nlon, gib);
  train_ = s.samples.train;
  test_ = s.samples.test;
  dtype_ = s.dtype;
  out_ = s.out;
}

void ShallowWaterStage::run(const RunContext& context) {
  ScopedTimer timer("generate.swe");
  ShallowWater solver(solver_);
  // The stored fields are the spectral state synthesized on the stored grid,
  // truncated to the degree that grid's quadrature resolves.
  const SphereGrid store = make_sphere_grid(store_kind_, store_nlat_, store_nlon_);
  const int store_lmax = std::min({solver_.lmax, store.max_exact_degree(), (store_nlon_ - 1) / 2});
  SphericalHarmonicTransform synthesis(store, {store_lmax});
  if (store_lmax < solver_.lmax)
    spdlog::warn("{}: the stored {}x{} {} grid resolves degree {}; fields are stored truncated from lmax {}",
                 context.stage_name, store_nlat_, store_nlon_, to_string(store_kind_), store_lmax, solver_.lmax);

  const auto nlat = static_cast<std::uint64_t>(store_nlat_), nlon = static_cast<std::uint64_t>(store_nlon_);
  const auto n_times = static_cast<std::uint64_t>(records_ + 1);
  DatasetLayout layout;
  layout.grid.kind = store_kind_ == GridKind::gauss ? "sphere_gauss" : "sphere_equiangular";
  layout.grid.shape = {store_nlat_, store_nlon_};
  layout.grid.extent = {M_PI, 2.0 * M_PI};
  layout.grid.colatitude = store.theta;
  for (std::uint64_t t = 0; t < n_times; ++t)
    layout.times.push_back(static_cast<double>(t * steps_per_record_) * solver_.dt);
  const std::vector<std::pair<std::string, double>> attributes{{"lmax", double(solver_.lmax)},
                                                               {"stored_lmax", double(store_lmax)},
                                                               {"dt", solver_.dt},
                                                               {"radius", solver_.radius},
                                                               {"omega", solver_.omega},
                                                               {"gravity", solver_.gravity}};
  for (const char* name : {"outputs/h", "outputs/vorticity", "outputs/divergence"})
    layout.fields.push_back({name, {n_times, nlat, nlon}, dtype_, attributes});
  layout.split_contiguous(train_, test_);

  DatasetWriter writer(out_, layout, context.provenance());
  const std::uint64_t stream = fnv1a64(context.stage_name);
  const long plane = store_nlat_ * static_cast<long>(store_nlon_);
  std::vector<double> h(n_times * plane), zeta(h.size()), delta(h.size());
  Coefficients truncated(synthesis.coefficient_count());
  const auto store_field = [&](const Coefficients& state, double scale, double* out) {
    for (int m = 0; m <= store_lmax; ++m)
      for (int l = m; l <= store_lmax; ++l)
        truncated[synthesis.index(l, m)] = scale * state[triangular_index(solver_.lmax, l, m)];
    synthesis.inverse(truncated.data(), out);
  };
  for_each_local_sample(writer, context, [&](long i) {
    SampleRng rng(context.seed, stream, static_cast<std::uint64_t>(i));
    set_random_balanced_state(solver, initial_, rng);
    solver.advance(spinup_steps_);
    for (std::uint64_t t = 0; t < n_times; ++t) {
      if (t > 0) solver.advance(steps_per_record_);
      store_field(solver.spectral_geopotential(), 1.0 / solver_.gravity, h.data() + t * plane);
      store_field(solver.spectral_vorticity(), 1.0, zeta.data() + t * plane);
      store_field(solver.spectral_divergence(), 1.0, delta.data() + t * plane);
    }
    writer.write_sample("outputs/h", i, h.data());
    writer.write_sample("outputs/vorticity", i, zeta.data());
    writer.write_sample("outputs/divergence", i, delta.data());
  });
  writer.commit();
  spdlog::info("{}: wrote {} samples, {} states of {}x{} each (solved at T{} on {}x{} Gauss, {} steps per record)",
               context.stage_name, layout.n_samples, n_times, store_nlat_, store_nlon_, solver_.lmax,
               solver.grid().nlat, solver.grid().nlon, steps_per_record_);
}

}  // namespace ff::sphere
