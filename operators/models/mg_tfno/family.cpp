#include "operators/models/mg_tfno/family.hpp"

#include "core/error.hpp"
#include "operators/models/fno/family.hpp"

namespace ff::operators {

ModelFamily<MultiGridFnoOptions> mg_tfno_family() {
  OptionsSchema<MultiGridFnoOptions> o;
  o.merge(&MultiGridFnoOptions::network, fno_options(true));
  o.key("levels", &MultiGridFnoOptions::levels, "2^levels patches per axis").at_least(1).at_most(6);
  o.key("overlap", &MultiGridFnoOptions::padding, "overlap of the patches in points").at_least(0);
  o.choice("context", &MultiGridFnoOptions::periodic, {{"periodic", true}, {"zero", false}},
           "what the coarse views see past the domain's edge: its far side (periodic) or zeros");

  ModelFamily<MultiGridFnoOptions> family;
  family.kind = "mgtfno";
  family.summary = "TFNO on multi-grid patches with coarse context";
  family.options = std::move(o);
  family.check = [](const MultiGridFnoOptions& options) { check_fno_options(options.network); };
  family.build = [](MultiGridFnoOptions options, const DataShape& data) {
    FF_REQUIRE(static_cast<int>(options.network.modes.size()) == data.dimension, InputError,
               "model.modes has {} entries but the data is {}D", options.network.modes.size(), data.dimension);
    options.network.in_channels = data.in_channels;
    options.network.out_channels = data.out_channels;
    MultiGridFno model(options);
    BuiltModel built{torch::nn::AnyModule(model), {}};
    for (const auto& p : model->parameters()) built.counts.total += p.numel();
    built.counts.spectral = model->network().spectral_weights().parameter_count();
    built.counts.dense_spectral = model->network().spectral_weights().dense_parameter_count();
    return built;
  };
  family.closed_grid = [](const MultiGridFnoOptions& options) { return options.network.grid == GridChannels::closed; };
  return family;
}

}  // namespace ff::operators
