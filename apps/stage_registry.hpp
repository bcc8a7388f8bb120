// Every stage type the `fieldforge` executable knows, registered in one place.
#pragma once

#include "io/stage.hpp"

namespace ff {

const StageRegistry& stage_registry();

}  // namespace ff
