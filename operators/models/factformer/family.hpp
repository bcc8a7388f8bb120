// The `factformer` family: FactFormer (sequential axial kernels, `depth`
// blocks) or, with `implicit: true`, IFactFormer (parallel axial kernels in
// one block iterated `iterations` times), on 1D to 3D periodic grids.
#pragma once

#include "operators/models/factformer/factformer.hpp"
#include "operators/models/model_family.hpp"

namespace ff::operators {

OptionsSchema<FactFormerOptions> factformer_options();
// InputError for sizes beyond any machine (the rest is checked by the schema).
void check_factformer_options(const FactFormerOptions& options);
// Builds the FactFormer of `options` for `data` (channels and dimension from it).
BuiltModel build_factformer(FactFormerOptions options, const DataShape& data);

ModelFamily<FactFormerOptions> factformer_family();

}  // namespace ff::operators
