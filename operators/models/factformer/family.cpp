#include "operators/models/factformer/family.hpp"

#include "core/error.hpp"

namespace ff::operators {

OptionsSchema<FactFormerOptions> factformer_options() {
  OptionsSchema<FactFormerOptions> o;
  o.key("implicit", &FactFormerOptions::implicit,
        "IFactFormer: one block with parallel axial kernels, its weights shared over `iterations`");
  o.key("depth", &FactFormerOptions::depth, "explicit FactFormer: attention blocks").at_least(1).smoke(1);
  o.key("iterations", &FactFormerOptions::iterations, "implicit FactFormer: iterations of the shared block")
      .at_least(1)
      .smoke(2);
  o.key("dim", &FactFormerOptions::dim, "channels of the attention blocks").at_least(1).smoke(16);
  o.key("heads", &FactFormerOptions::heads, "attention heads").at_least(1).smoke(2);
  o.key("dim_head", &FactFormerOptions::dim_head, "value channels per head").at_least(1).smoke(8);
  o.key("kernel_ratio", &FactFormerOptions::kernel_ratio,
        "query/key width per head (the rank of each axial kernel) over dim_head")
      .at_least(1);
  o.key("coordinates", &FactFormerOptions::coordinates,
        "append cos/sin(2π x) of each grid axis as input channels (breaks translation equivariance, tells the model "
        "where a fixed forcing is)");
  return o;
}

void check_factformer_options(const FactFormerOptions& options) {
  // Sizes far beyond any model that fits a machine are input errors, not allocation failures.
  FF_REQUIRE(options.dim <= 4096, InputError, "model.dim: at most 4096, got {}", options.dim);
  FF_REQUIRE(options.heads <= 256, InputError, "model.heads: at most 256, got {}", options.heads);
  FF_REQUIRE(options.dim_head <= 1024, InputError, "model.dim_head: at most 1024, got {}", options.dim_head);
  FF_REQUIRE(options.kernel_ratio <= 16, InputError, "model.kernel_ratio: at most 16, got {}", options.kernel_ratio);
  FF_REQUIRE(options.depth <= 64, InputError, "model.depth: at most 64, got {}", options.depth);
  FF_REQUIRE(options.iterations <= 256, InputError, "model.iterations: at most 256, got {}", options.iterations);
}

BuiltModel build_factformer(FactFormerOptions options, const DataShape& data) {
  FF_REQUIRE(data.dimension >= 1 && data.dimension <= 3, InputError,
             "model.kind: factformer takes fields on 1D to 3D grids, but the data is {}D", data.dimension);
  check_factformer_options(options);
  options.in_channels = data.in_channels;
  options.out_channels = data.out_channels;
  options.dimension = data.dimension;
  FactFormer model(options);
  BuiltModel built{torch::nn::AnyModule(model), {}};
  built.counts.total = model->parameter_count();
  return built;
}

ModelFamily<FactFormerOptions> factformer_family() {
  ModelFamily<FactFormerOptions> family;
  family.kind = "factformer";
  family.summary = "factorized-attention transformer (FactFormer; implicit: IFactFormer) on periodic grids";
  family.options = factformer_options();
  family.check = check_factformer_options;
  family.build = build_factformer;
  return family;
}

}  // namespace ff::operators
