// The companion file of an XDMF sidecar: HDF5 virtual datasets, each exactly
// the shape of one XDMF attribute, mapped onto blocks of a dataset file.
// Internal to io/xdmf.cpp.
#pragma once

#include "io/dataset_layout.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ff {

// One block of a source field: its leading indices [sample, (time), (component)],
// the whole spatial extent after them.
struct ViewBlock {
  std::vector<std::uint64_t> leading;
  int slot = -1;  // -1: the view is this block; k >= 0: the block is component k of a [spatial..., 3] view
};

struct View {
  std::string name;                         // dataset path in the companion file
  std::string field;                        // "outputs/u"
  std::vector<std::uint64_t> source_shape;  // the whole source dataset, [n_samples, ...]
  std::vector<std::uint64_t> spatial;       // spatial dimensions of one block
  DType dtype = DType::float32;
  std::vector<ViewBlock> blocks;  // one block, or up to three vector components
  bool vector() const { return blocks.front().slot >= 0; }
  std::vector<std::uint64_t> shape() const;  // spatial, plus 3 for a vector
};

// Writes `views` into `path` (truncating it), each mapped onto the file
// `source_name`, which HDF5 resolves relative to the directory of `path`.
// Components a vector view does not map (z of a 2D vector) read as 0.
void write_views(const std::filesystem::path& path, const std::string& source_name, const std::vector<View>& views);

}  // namespace ff
