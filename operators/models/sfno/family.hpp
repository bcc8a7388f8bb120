// The `sfno` family: a spherical Fourier neural operator (Sfno) configured
// by SfnoOptions, for fields on nlat × nlon latitude–longitude grids.
#pragma once

#include "operators/models/model_family.hpp"
#include "operators/models/sfno/sfno.hpp"

namespace ff::operators {

OptionsSchema<SfnoOptions> sfno_options();
// InputError unless the grid resolves lmax and holds its orders.
void check_sfno_options(const SfnoOptions& options);
// Builds the Sfno of `options` for `data` (channels set from it); InputError
// for data that is not 2D.
BuiltModel build_sfno(SfnoOptions options, const DataShape& data);

ModelFamily<SfnoOptions> sfno_family();

}  // namespace ff::operators
