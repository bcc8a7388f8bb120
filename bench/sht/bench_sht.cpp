// One case of the SHT benchmark: forward + inverse of real fields on the Gauss
// grid nlat = lmax + 1, nlon = 2 lmax + 2, mmax = lmax, double precision,
// fieldforge against libsharp 1.0 (Debian libsharp-dev) in the same process
// with the same number of OpenMP threads. libsharp 1.0 transforms one map per
// call, so a batch is one call per field, as its users write it.
//
//   bench_sht LMAX THREADS NFIELDS table|on_the_fly REPEATS
//
// Prints one JSON line: median seconds per (forward + inverse) of each side,
// their ratio (libsharp / fieldforge), the largest coefficient difference
// between the two forward transforms (relative to the largest coefficient)
// and the memory each side holds for its Legendre data.
#include "solvers/sphere/sht.hpp"

#include <libsharp/sharp.h>
#include <libsharp/sharp_almhelpers.h>
#include <libsharp/sharp_geomhelpers.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <complex>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

using namespace ff::sphere;
using cvec = std::vector<std::complex<double>>;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

long resident_kib() {
  std::ifstream status("/proc/self/status");
  std::string key;
  long value = 0;
  while (status >> key) {
    if (key == "VmRSS:") {
      status >> value;
      return value;
    }
    status.ignore(1 << 12, '\n');
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: bench_sht LMAX THREADS NFIELDS table|on_the_fly REPEATS\n");
    return 2;
  }
  const int lmax = std::atoi(argv[1]), threads = std::atoi(argv[2]), nfields = std::atoi(argv[3]);
  const LegendreMode mode = legendre_mode_from_string(argv[4]);
  const int repeats = std::atoi(argv[5]);
  const int nlat = lmax + 1, nlon = 2 * lmax + 2;
  const long npix = static_cast<long>(nlat) * nlon;
  omp_set_num_threads(threads);

  std::mt19937_64 rng(1);
  std::normal_distribution<double> normal;
  std::vector<double> maps(npix * nfields), out(maps.size());
  for (double& v : maps) v = normal(rng);

  // fieldforge
  const long rss0 = resident_kib();
  const SphereGrid grid = make_sphere_grid(GridKind::gauss, nlat, nlon);
  SphericalHarmonicTransform sht(grid, {lmax, lmax, mode, threads});
  cvec ours(sht.coefficient_count() * nfields);
  std::vector<double> ours_times;
  for (int r = 0; r < repeats + 1; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    sht.forward(maps.data(), ours.data(), nfields);
    sht.inverse(ours.data(), out.data(), nfields);
    if (r > 0) ours_times.push_back(seconds_since(t0));  // the first call sizes the buffers
  }
  sht.forward(maps.data(), ours.data(), nfields);
  const long ours_kib = resident_kib() - rss0;

  // libsharp
  const long rss1 = resident_kib();
  sharp_geom_info* geometry = nullptr;
  sharp_alm_info* layout = nullptr;
  sharp_make_gauss_geom_info(nlat, nlon, 0.0, 1, nlon, &geometry);
  sharp_make_triangular_alm_info(lmax, lmax, 1, &layout);
  cvec theirs(ours.size());
  std::vector<double> theirs_out(maps.size());
  std::vector<double> theirs_times;
  for (int r = 0; r < repeats + 1; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int f = 0; f < nfields; ++f) {
      void* alm[] = {theirs.data() + f * sht.coefficient_count()};
      void* map_in[] = {maps.data() + f * npix};
      void* map_out[] = {theirs_out.data() + f * npix};
      sharp_execute(SHARP_MAP2ALM, 0, alm, map_in, geometry, layout, SHARP_DP, nullptr, nullptr);
      sharp_execute(SHARP_ALM2MAP, 0, alm, map_out, geometry, layout, SHARP_DP, nullptr, nullptr);
    }
    if (r > 0) theirs_times.push_back(seconds_since(t0));
  }
  for (int f = 0; f < nfields; ++f) {
    void* alm[] = {theirs.data() + f * sht.coefficient_count()};
    void* map_in[] = {maps.data() + f * npix};
    sharp_execute(SHARP_MAP2ALM, 0, alm, map_in, geometry, layout, SHARP_DP, nullptr, nullptr);
  }
  const long theirs_kib = resident_kib() - rss1;
  sharp_destroy_geom_info(geometry);
  sharp_destroy_alm_info(layout);

  double difference = 0, largest = 0;
  for (std::size_t k = 0; k < ours.size(); ++k) {
    difference = std::max(difference, std::abs(ours[k] - theirs[k]));
    largest = std::max(largest, std::abs(theirs[k]));
  }
  const double t_ours = median(ours_times), t_theirs = median(theirs_times);
  std::printf(
      "{\"lmax\": %d, \"nlat\": %d, \"nlon\": %d, \"threads\": %d, \"fields\": %d, \"legendre\": \"%s\", "
      "\"kernel_isa\": \"%s\", \"fieldforge_s\": %.6g, \"libsharp_s\": %.6g, \"ratio\": %.4f, "
      "\"max_coefficient_difference\": %.3g, \"fieldforge_legendre_mib\": %.2f, \"fieldforge_rss_growth_mib\": %.1f, "
      "\"libsharp_rss_growth_mib\": %.1f}\n",
      lmax, nlat, nlon, threads, nfields, to_string(mode).c_str(), sht.kernel_isa().c_str(), t_ours, t_theirs,
      t_theirs / t_ours, difference / largest, sht.legendre_bytes() / 1048576.0, ours_kib / 1024.0,
      theirs_kib / 1024.0);
  return 0;
}
