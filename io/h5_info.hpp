// Human-readable summary of any HDF5 file: groups, datasets with shapes and
// dtypes, attributes, and the case that produced it (`fieldforge info`).
#pragma once

#include <filesystem>
#include <string>

namespace ff {

std::string describe_h5_file(const std::filesystem::path& path, bool show_case = true);

}  // namespace ff
