// Kinetic-energy spectra of shallow-water rollouts against the solver:
//
//   swe_rollout_spectra PREDICTIONS.h5 DATA.h5 FIELD
//
// PREDICTIONS.h5 is what `evaluate` wrote for an autoregressive model on a
// sphere dataset (FIELD: [sample, step, nlat, nlon], /params/sample naming the
// data sample, /times the data times of the steps); FIELD is the vorticity.
// Per step, the kinetic energy per degree of a nondivergent flow,
// E(l) ∝ Σ_m |ζ_lm|² / (l(l+1)) (m > 0 twice; the factor a²/2 left out), is computed for the
// prediction and for the data at the same time, averaged over samples, with
// the transform of solvers/sphere on the stored grid (degrees it resolves).
// Prints one JSON line: per step the relative L2 error of the field, the
// largest |E_pred(l) / E_true(l) − 1| over 1 ≤ l ≤ lmax, the total energy ratio,
// and the two spectra at the first and last step.
#include "core/error.hpp"
#include "io/dataset_reader.hpp"
#include "solvers/sphere/legendre.hpp"
#include "solvers/sphere/sht.hpp"

#include <cmath>
#include <complex>
#include <cstdio>
#include <string>
#include <vector>

using namespace ff;
using namespace ff::sphere;

namespace {

std::vector<double> spectrum(SphericalHarmonicTransform& sht, const double* field) {
  std::vector<std::complex<double>> a(sht.coefficient_count());
  sht.forward(field, a.data());
  std::vector<double> e(sht.lmax() + 1, 0.0);
  for (int m = 0; m <= sht.mmax(); ++m)
    for (int l = std::max(m, 1); l <= sht.lmax(); ++l)
      e[l] += (m == 0 ? 1.0 : 2.0) * std::norm(a[sht.index(l, m)]) / (l * (l + 1.0));
  return e;
}

void print_array(const char* name, const std::vector<double>& v) {
  std::printf("\"%s\": [", name);
  for (std::size_t k = 0; k < v.size(); ++k) std::printf("%s%.5g", k ? ", " : "", v[k]);
  std::printf("]");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: swe_rollout_spectra PREDICTIONS.h5 DATA.h5 FIELD\n");
    return 2;
  }
  try {
    const DatasetReader predictions(argv[1]), data(argv[2]);
    const std::string field = argv[3];
    const GridInfo grid = data.grid();
    FF_REQUIRE(grid.sphere(), InputError, "{}: not a sphere dataset (grid kind {})", argv[2], grid.kind);
    const GridKind kind = grid.kind == "sphere_gauss" ? GridKind::gauss : GridKind::equiangular;
    const int nlat = static_cast<int>(grid.shape[0]), nlon = static_cast<int>(grid.shape[1]);
    const SphereGrid g = make_sphere_grid(kind, nlat, nlon);
    const int lmax = std::min(g.max_exact_degree(), (nlon - 1) / 2);
    SphericalHarmonicTransform sht(g, {lmax});

    const auto shape = predictions.sample_shape(field);
    const long steps = static_cast<long>(shape[0]), plane = static_cast<long>(nlat) * nlon;
    const long data_steps = static_cast<long>(data.sample_shape(field)[0]);
    const long first_step = data_steps - steps;  // the predicted steps are the data's last `steps`
    const long n = predictions.n_samples();
    const std::vector<double> samples = predictions.read("params/sample", 0, n);

    std::vector<double> l2(steps, 0.0), deviation(steps, 0.0), energy_ratio(steps, 0.0);
    std::vector<std::vector<double>> pred_spectrum(steps, std::vector<double>(lmax + 1, 0.0)),
        true_spectrum = pred_spectrum;
    for (long i = 0; i < n; ++i) {
      const std::vector<double> pred = predictions.read(field, i, 1);
      const std::vector<double> truth = data.read(field, static_cast<long>(samples[i]), 1);
      for (long t = 0; t < steps; ++t) {
        const double* p = pred.data() + t * plane;
        const double* q = truth.data() + (first_step + t) * plane;
        double num = 0, den = 0;
        for (long k = 0; k < plane; ++k) num += (p[k] - q[k]) * (p[k] - q[k]), den += q[k] * q[k];
        l2[t] += std::sqrt(num / den) / n;
        const std::vector<double> ep = spectrum(sht, p), eq = spectrum(sht, q);
        for (int l = 0; l <= lmax; ++l) pred_spectrum[t][l] += ep[l] / n, true_spectrum[t][l] += eq[l] / n;
      }
    }
    for (long t = 0; t < steps; ++t) {
      double total_pred = 0, total_true = 0;
      for (int l = 1; l <= lmax; ++l) {
        deviation[t] = std::max(deviation[t], std::abs(pred_spectrum[t][l] / true_spectrum[t][l] - 1.0));
        total_pred += pred_spectrum[t][l];
        total_true += true_spectrum[t][l];
      }
      energy_ratio[t] = total_pred / total_true;
    }
    std::printf("{\"steps\": %ld, \"samples\": %ld, \"lmax\": %d, ", steps, n, lmax);
    print_array("relative_l2_per_step", l2);
    std::printf(", ");
    print_array("max_spectrum_deviation_per_step", deviation);
    std::printf(", ");
    print_array("energy_ratio_per_step", energy_ratio);
    std::printf(", ");
    print_array("spectrum_true_last", true_spectrum.back());
    std::printf(", ");
    print_array("spectrum_pred_last", pred_spectrum.back());
    std::printf(", ");
    print_array("spectrum_true_first", true_spectrum.front());
    std::printf(", ");
    print_array("spectrum_pred_first", pred_spectrum.front());
    std::printf("}\n");
  } catch (const Error& e) {
    std::fprintf(stderr, "swe_rollout_spectra: %s\n", e.what());
    return 2;
  }
  return 0;
}
