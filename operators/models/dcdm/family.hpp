// The `dcdm` model family: DcdmNet, the deep conjugate-direction method's
// network, mapping one field to one field on a 2D or 3D grid.
#pragma once

#include "operators/models/dcdm/dcdm_net.hpp"
#include "operators/models/model_family.hpp"

namespace ff::operators {

OptionsSchema<DcdmNetOptions> dcdm_net_options();
ModelFamily<DcdmNetOptions> dcdm_family();

}  // namespace ff::operators
