// The FNO families: `fno` (dense spectral weights) and `tfno` (Tucker or CP
// factorized), both an Fno module configured by FnoOptions.
#pragma once

#include "operators/models/fno/fno.hpp"
#include "operators/models/model_family.hpp"

namespace ff::operators {

// The options both declare; `factorized` adds TFNO's factorization keys.
OptionsSchema<FnoOptions> fno_options(bool factorized);
// InputError unless the options suit an FNO: 1 to 3 modes, ranks that match the factorization.
void check_fno_options(const FnoOptions& options);
// Builds the Fno of `options` for `data` (channels set from it).
BuiltModel build_fno(FnoOptions options, const DataShape& data);

ModelFamily<FnoOptions> fno_family();
ModelFamily<FnoOptions> tfno_family();

}  // namespace ff::operators
