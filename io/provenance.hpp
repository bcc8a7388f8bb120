// Where a result comes from: the case and stage that made it. Every HDF5
// file stores it as attributes next to the fieldforge version and git sha.
#pragma once

#include <string>

namespace ff {

struct Provenance {
  std::string case_name;
  std::string stage;
  std::string case_yaml;  // the resolved case file
};

}  // namespace ff
