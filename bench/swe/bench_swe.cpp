// Full-size verification runs of the shallow-water solver, one case per call:
//
//   bench_swe williamson2 LMAX DT_S DAYS ALPHA
//   bench_swe rossby_haurwitz LMAX DT_S DAYS
//   bench_swe galewsky LMAX DT_S DAYS HYPERDIFFUSION_HOURS OUT_PREFIX
//
// williamson2 compares the height with the exact (initial) state. The other
// two also run at 2·(LMAX+1)−1 with half the step and compare the coarse run
// with the fine one truncated to LMAX and synthesized on the coarse grid.
// galewsky writes the relative vorticity of both runs at the end as .npy
// files (OUT_PREFIX_coarse.npy, OUT_PREFIX_fine.npy) for the picture.
// Prints one JSON line.
#include "solvers/sphere/legendre.hpp"
#include "solvers/sphere/shallow_water.hpp"
#include "solvers/sphere/williamson.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

using namespace ff::sphere;

namespace {

constexpr double day = 86400.0;

struct Run {
  std::unique_ptr<ShallowWater> solver;
  ShallowWaterDiagnostics before, after;
  double seconds = 0;
};

Run run(const ShallowWaterOptions& o, const ShallowWaterState& s0, double days, std::vector<double> coriolis = {}) {
  Run r;
  r.solver = std::make_unique<ShallowWater>(o, std::move(coriolis));
  r.solver->set_state(s0.u.data(), s0.v.data(), s0.h.data());
  r.before = r.solver->diagnostics();
  const auto t0 = std::chrono::steady_clock::now();
  r.solver->advance(std::lround(days * day / o.dt));
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.after = r.solver->diagnostics();
  return r;
}

ShallowWaterState initial(const std::string& name, const SphereGrid& g) {
  const PlanetConstants planet;
  return name == "rossby_haurwitz" ? rossby_haurwitz(g, planet) : galewsky(g, planet);
}

// The fine run's field of `which` (0: h, 1: vorticity) truncated to the coarse lmax, on the coarse grid.
std::vector<double> truncated(ShallowWater& fine, ShallowWater& coarse, int which) {
  const int L = coarse.options().lmax, Lf = fine.options().lmax;
  const Coefficients& source = which == 0 ? fine.spectral_geopotential() : fine.spectral_vorticity();
  Coefficients c(coarse.calculus().coefficient_count());
  for (int m = 0; m <= L; ++m)
    for (int l = m; l <= L; ++l) c[triangular_index(L, l, m)] = source[triangular_index(Lf, l, m)];
  std::vector<double> out(static_cast<std::size_t>(coarse.grid().nlat) * coarse.grid().nlon);
  coarse.calculus().synthesis(c.data(), out.data());
  if (which == 0)
    for (double& x : out) x /= coarse.options().gravity;
  return out;
}

void write_npy(const std::string& path, const std::vector<double>& data, int rows, int cols) {
  std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ", " +
                       std::to_string(cols) + "), }";
  header.append(63 - (10 + header.size()) % 64, ' ');
  header += '\n';
  std::ofstream f(path, std::ios::binary);
  const unsigned short length = static_cast<unsigned short>(header.size());
  f.write("\x93NUMPY\x01\x00", 8);
  f.write(reinterpret_cast<const char*>(&length), 2);
  f << header;
  f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size() * sizeof(double)));
}

void print_run(const char* label, const Run& r) {
  std::printf(
      "\"%s\": {\"lmax\": %d, \"nlat\": %d, \"nlon\": %d, \"dt_s\": %g, \"seconds\": %.3f, "
      "\"mass_relative_change\": %.3e, \"energy_relative_change\": %.3e, \"enstrophy_relative_change\": %.3e}",
      label, r.solver->options().lmax, r.solver->grid().nlat, r.solver->grid().nlon, r.solver->options().dt, r.seconds,
      (r.after.mass - r.before.mass) / r.before.mass, (r.after.energy - r.before.energy) / r.before.energy,
      (r.after.enstrophy - r.before.enstrophy) / r.before.enstrophy);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: bench_swe williamson2|rossby_haurwitz|galewsky LMAX DT_S DAYS ...\n");
    return 2;
  }
  const std::string name = argv[1];
  ShallowWaterOptions o;
  o.lmax = std::atoi(argv[2]);
  o.dt = std::atof(argv[3]);
  const double days = std::atof(argv[4]);

  if (name == "williamson2") {
    const double alpha = argc > 5 ? std::atof(argv[5]) : 0.0;
    const PlanetConstants planet;
    int nlat, nlon;
    default_grid_for(o.lmax, nlat, nlon);
    const SphereGrid g = make_sphere_grid(GridKind::gauss, nlat, nlon);
    const ShallowWaterState s = williamson2(g, planet, alpha);
    Run r = run(o, s, days, williamson2_coriolis(g, planet, alpha));
    std::vector<double> h(s.h.size());
    r.solver->height(h.data());
    const NormalizedErrors e = normalized_errors(g, h, s.h);
    std::printf("{\"case\": \"williamson2\", \"alpha\": %g, \"days\": %g, \"l1\": %.3e, \"l2\": %.3e, \"linf\": %.3e, ",
                alpha, days, e.l1, e.l2, e.linf);
    print_run("run", r);
    std::printf("}\n");
    return 0;
  }

  if (name == "galewsky" && argc > 5) o.hyperdiffusion_hours = std::atof(argv[5]);
  ShallowWaterOptions fine_options = o;
  fine_options.lmax = 2 * (o.lmax + 1) - 1;
  fine_options.dt = o.dt / 2;
  int nlat, nlon;
  default_grid_for(o.lmax, nlat, nlon);
  const SphereGrid coarse_grid = make_sphere_grid(GridKind::gauss, nlat, nlon);
  default_grid_for(fine_options.lmax, nlat, nlon);
  const SphereGrid fine_grid = make_sphere_grid(GridKind::gauss, nlat, nlon);
  Run coarse = run(o, initial(name, coarse_grid), days);
  Run fine = run(fine_options, initial(name, fine_grid), days);

  std::vector<double> h(static_cast<std::size_t>(coarse_grid.nlat) * coarse_grid.nlon), zeta(h.size());
  coarse.solver->height(h.data());
  coarse.solver->vorticity(zeta.data());
  const NormalizedErrors eh = normalized_errors(coarse_grid, h, truncated(*fine.solver, *coarse.solver, 0));
  const std::vector<double> zeta_fine = truncated(*fine.solver, *coarse.solver, 1);
  const NormalizedErrors ez = normalized_errors(coarse_grid, zeta, zeta_fine);
  std::printf(
      "{\"case\": \"%s\", \"days\": %g, \"hyperdiffusion_hours\": %g, "
      "\"height_vs_2x\": {\"l1\": %.3e, \"l2\": %.3e, \"linf\": %.3e}, "
      "\"vorticity_vs_2x\": {\"l1\": %.3e, \"l2\": %.3e, \"linf\": %.3e}, ",
      name.c_str(), days, o.hyperdiffusion_hours, eh.l1, eh.l2, eh.linf, ez.l1, ez.l2, ez.linf);
  print_run("coarse", coarse);
  std::printf(", ");
  print_run("fine", fine);
  std::printf("}\n");
  if (name == "galewsky" && argc > 6) {
    const std::string prefix = argv[6];
    write_npy(prefix + "_coarse.npy", zeta, coarse_grid.nlat, coarse_grid.nlon);
    std::vector<double> zf(static_cast<std::size_t>(fine_grid.nlat) * fine_grid.nlon);
    fine.solver->vorticity(zf.data());
    write_npy(prefix + "_fine.npy", zf, fine_grid.nlat, fine_grid.nlon);
  }
  return 0;
}
