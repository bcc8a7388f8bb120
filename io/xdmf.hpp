// XDMF sidecars so ParaView opens fieldforge HDF5 files directly
// (File > Open > data.xdmf, "XDMF Reader"). Samples become the steps of a
// temporal collection; each field a scalar attribute read by hyperslab.
#pragma once

#include "io/dataset_writer.hpp"

#include <filesystem>
#include <string>

namespace ff {

// At most this many samples are listed in a sidecar; the HDF5 file holds all.
constexpr long kXdmfMaxSamples = 256;

// XML text of the sidecar for `h5_file` (referenced by its file name), or ""
// when the grid has no XDMF form (1D periodic grids: use scripts/plot_fields.py).
std::string xdmf_document(const std::string& h5_file, const DatasetLayout& layout);

// Writes `<h5 path without .h5>.xdmf` atomically when xdmf_document is non-empty.
void write_xdmf_sidecar(const std::filesystem::path& h5_path, const DatasetLayout& layout);

}  // namespace ff
