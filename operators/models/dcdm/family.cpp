#include "operators/models/dcdm/family.hpp"

#include "core/error.hpp"

namespace ff::operators {

OptionsSchema<DcdmNetOptions> dcdm_net_options() {
  OptionsSchema<DcdmNetOptions> o;
  o.key("convs", &DcdmNetOptions::convs,
        "3x3(x3) convolutions per level, finest first (the paper: [4, 6] at 64^3, [6, 10] at 128^3); "
        "one entry per pooling level plus one")
      .at_least(1)
      .smoke(1);
  o.key("filters", &DcdmNetOptions::filters, "channels of every convolution").at_least(1).smoke(4);
  o.key("input_skip", &DcdmNetOptions::input_skip,
        "return b + network(b), so the untrained network gives the residual direction (not in the paper)");
  return o;
}

ModelFamily<DcdmNetOptions> dcdm_family() {
  ModelFamily<DcdmNetOptions> family;
  family.kind = "dcdm";
  family.summary = "convolutional network of the deep conjugate-direction method (residual -> search direction)";
  family.options = dcdm_net_options();
  family.check = [](const DcdmNetOptions& options) {
    FF_REQUIRE(!options.convs.empty() && options.convs.size() <= 6, InputError,
               "model.convs: give 1 to 6 levels, got {}", options.convs.size());
  };
  family.build = [](const DcdmNetOptions& options, const DataShape& data) {
    FF_REQUIRE(data.in_channels == 1 && data.out_channels == 1, InputError,
               "model.kind dcdm maps one field to one field, the data has {} in and {} out", data.in_channels,
               data.out_channels);
    DcdmNet net(options, data.dimension);
    BuiltModel built{torch::nn::AnyModule(net), {}};
    built.counts.total = net->parameter_count();
    return built;
  };
  return family;
}

}  // namespace ff::operators
