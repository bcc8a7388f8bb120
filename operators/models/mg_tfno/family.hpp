// The multi-grid family `mgtfno`: a factorized FNO applied to patches with
// coarse context (MultiGridFno), configured by MultiGridFnoOptions.
#pragma once

#include "operators/models/mg_tfno/mg_fno.hpp"
#include "operators/models/model_family.hpp"

namespace ff::operators {

ModelFamily<MultiGridFnoOptions> mg_tfno_family();

}  // namespace ff::operators
