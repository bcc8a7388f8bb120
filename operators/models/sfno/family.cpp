#include "operators/models/sfno/family.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace ff::operators {

OptionsSchema<SfnoOptions> sfno_options() {
  OptionsSchema<SfnoOptions> o;
  o.key("width", &SfnoOptions::width, "channels of the Fourier layers").at_least(1).smoke(8);
  o.key("layers", &SfnoOptions::layers, "Fourier layers").at_least(1).smoke(2);
  o.key("projection", &SfnoOptions::projection, "hidden width of the projection MLP").at_least(1).smoke(16);
  // `grid` names the FNOs' coordinate channels, so the sphere's grid has its own key.
  o.choice("sphere_grid", &SfnoOptions::grid,
           {{"gauss", sphere::GridKind::gauss}, {"equiangular", sphere::GridKind::equiangular}},
           "latitudes of the data: gauss (Gauss–Legendre) or equiangular (poles included), "
           "as /grid kind sphere_gauss or sphere_equiangular");
  o.key("nlat", &SfnoOptions::nlat, "latitudes of the data grid").at_least(2).at_most(4096).smoke(16);
  o.key("nlon", &SfnoOptions::nlon, "longitudes of the data grid").at_least(1).at_most(8192).smoke(32);
  o.key("lmax", &SfnoOptions::lmax,
        "largest spherical-harmonic degree kept; 0: all the grid resolves (nlat − 1 on Gauss grids, "
        "(nlat − 1) / 2 on equiangular ones)")
      .at_least(0);
  o.choice("spectral", &SfnoOptions::spectral,
           {{"degree", SphericalWeights::degree}, {"dense", SphericalWeights::dense}},
           "spectral weights: degree (one per l, shared over m: rotation-equivariant) or dense (one per l and m)");
  o.key("positional", &SfnoOptions::positional, "append cos/sin of latitude and longitude as input channels");
  o.key("mlp_ratio", &SfnoOptions::mlp_ratio, "hidden width of each block's MLP, as a multiple of width")
      .greater_than(0);
  return o;
}

void check_sfno_options(const SfnoOptions& options) {
  // Sizes far beyond any model that fits a machine are input errors, not allocation failures.
  FF_REQUIRE(options.width <= 4096, InputError, "model.width: at most 4096, got {}", options.width);
  FF_REQUIRE(options.layers <= 64, InputError, "model.layers: at most 64, got {}", options.layers);
  FF_REQUIRE(options.projection <= 8192, InputError, "model.projection: at most 8192, got {}", options.projection);
  FF_REQUIRE(options.mlp_ratio <= 16, InputError, "model.mlp_ratio: at most 16, got {}", options.mlp_ratio);
  // The grid's exact degree without making the grid (its Gauss nodes take O(nlat²)).
  const int exact = options.grid == sphere::GridKind::gauss ? options.nlat - 1 : (options.nlat - 1) / 2;
  const int lmax = options.lmax > 0 ? options.lmax : exact;
  FF_REQUIRE(lmax <= exact, InputError, "model.lmax: a {} grid of {} latitudes resolves degrees up to {}, not {}",
             sphere::to_string(options.grid), options.nlat, exact, lmax);
  // The analysis and synthesis matrices are [mmax + 1, lmax + 1, nlat] each.
  const int mmax = std::min(lmax, (options.nlon - 1) / 2);
  const double gib = 2.0 * (mmax + 1.0) * (lmax + 1.0) * options.nlat * sizeof(double) / double(1L << 30);
  // Building them holds about four times as much for a moment.
  FF_REQUIRE(gib <= 1.0, InputError,
             "model.nlat: the Legendre matrices of a {}x{} grid at lmax {} need {:.1f} GiB (limit 1); choose a smaller "
             "lmax or grid",
             options.nlat, options.nlon, lmax, gib);
}

BuiltModel build_sfno(SfnoOptions options, const DataShape& data) {
  FF_REQUIRE(data.dimension == 2, InputError,
             "model.kind: sfno takes 2D fields on an nlat × nlon sphere grid, but the data is {}D", data.dimension);
  check_sfno_options(options);
  options.in_channels = data.in_channels;
  options.out_channels = data.out_channels;
  Sfno sfno(options);
  BuiltModel built{torch::nn::AnyModule(sfno), {}};
  built.counts.total = sfno->parameter_count();
  built.counts.spectral = built.counts.dense_spectral = sfno->spectral_parameter_count();
  return built;
}

ModelFamily<SfnoOptions> sfno_family() {
  ModelFamily<SfnoOptions> family;
  family.kind = "sfno";
  family.summary = "spherical Fourier neural operator, spherical-harmonic spectral weights";
  family.options = sfno_options();
  family.check = check_sfno_options;
  family.build = build_sfno;
  return family;
}

}  // namespace ff::operators
