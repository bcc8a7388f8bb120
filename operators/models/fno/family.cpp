#include "operators/models/fno/family.hpp"

#include "core/error.hpp"

#include <fmt/format.h>

namespace ff::operators {

OptionsSchema<FnoOptions> fno_options(bool factorized) {
  OptionsSchema<FnoOptions> o;
  o.key("modes", &FnoOptions::modes, "Fourier modes per axis (its length is the dimension)").at_least(1).smoke(4);
  o.key("width", &FnoOptions::width, "channels of the Fourier layers").at_least(1).smoke(8);
  o.key("layers", &FnoOptions::layers, "Fourier layers").at_least(1).smoke(2);
  o.key("projection", &FnoOptions::projection, "hidden width of the projection MLP").at_least(1).smoke(16);
  o.choice("grid", &FnoOptions::grid,
           {{"periodic", GridChannels::periodic}, {"closed", GridChannels::closed}, {"none", GridChannels::none}},
           "coordinate channels: periodic (j/n), closed (j/(n-1)) or none");
  o.key("padding", &FnoOptions::padding, "zero padding per axis for non-periodic problems").at_least(0);
  if (!factorized) return o;
  o.choice("factorization", &FnoOptions::factorization, {"tucker", "cp"}, "spectral weights: tucker or cp")
      .def("tucker");
  o.key("rank", &FnoOptions::rank, "fraction of the dense spectral parameters").def(0.1).greater_than(0).at_most(1);
  o.key("ranks", &FnoOptions::ranks,
        "explicit ranks instead of rank: Tucker one per axis of [layers, in, out, modes...] "
        "([in, out, modes...] when not joint), CP one")
      .at_least(1)
      .smoke(2);
  o.key("reconstructed", &FnoOptions::reconstructed, "contract with the rebuilt dense weights (to compare)");
  o.key("joint", &FnoOptions::joint,
        "one factorization of all layers' weights, or one per layer (rank then holds per layer)");
  return o;
}

void check_fno_options(const FnoOptions& options) {
  FF_REQUIRE(!options.modes.empty() && options.modes.size() <= 3, InputError,
             "model.modes needs 1 to 3 entries, got {}", options.modes.size());
  if (options.factorization == "dense") return;
  const std::size_t rank_count = options.factorization == "cp" ? 1 : (options.joint ? 3 : 2) + options.modes.size();
  FF_REQUIRE(options.ranks.empty() || options.ranks.size() == rank_count, InputError,
             "model.ranks: {} given, {} takes {} ({})", options.ranks.size(), options.factorization, rank_count,
             rank_count == 1 ? "R"
             : options.joint ? "one per axis of [layers, in, out, modes...]"
                             : "one per axis of a layer's [in, out, modes...], since joint is false");
}

BuiltModel build_fno(FnoOptions options, const DataShape& data) {
  FF_REQUIRE(static_cast<int>(options.modes.size()) == data.dimension, InputError,
             "model.modes has {} entries but the data is {}D", options.modes.size(), data.dimension);
  options.in_channels = data.in_channels;
  options.out_channels = data.out_channels;
  Fno fno(options);
  BuiltModel built{torch::nn::AnyModule(fno), {}};
  built.counts.total = fno->parameter_count();
  built.counts.spectral = fno->spectral_weights().parameter_count();
  built.counts.dense_spectral = fno->spectral_weights().dense_parameter_count();
  return built;
}

namespace {
bool closed(const FnoOptions& options) { return options.grid == GridChannels::closed; }
}  // namespace

ModelFamily<FnoOptions> fno_family() {
  ModelFamily<FnoOptions> family;
  family.kind = "fno";
  family.summary = "Fourier neural operator, dense spectral weights";
  family.options = fno_options(false);
  family.check = check_fno_options;
  family.build = [](FnoOptions options, const DataShape& data) {
    options.factorization = "dense";
    return build_fno(std::move(options), data);
  };
  family.closed_grid = closed;
  return family;
}

ModelFamily<FnoOptions> tfno_family() {
  ModelFamily<FnoOptions> family;
  family.kind = "tfno";
  family.summary = "FNO with Tucker or CP factorized spectral weights";
  family.options = fno_options(true);
  family.check = check_fno_options;
  family.build = build_fno;
  family.closed_grid = closed;
  return family;
}

}  // namespace ff::operators
