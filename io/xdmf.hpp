// XDMF sidecars so ParaView opens fieldforge HDF5 files directly, in each of
// its three XDMF readers (legacy "XDMF Reader", Xdmf3ReaderS, Xdmf3ReaderT).
//
// The Xdmf3 readers of ParaView 5.11 read no HyperSlab data item (every one
// is "Skipping unrecognized array type [None]"), so a sidecar never slices
// the data file. Each attribute instead points at a dataset of exactly its
// shape in a small companion file, `<sidecar>.h5`, made of HDF5 virtual
// datasets that map onto the samples, times and components of the data file:
// no value is copied, and h5py reads the companion like any other file.
//
// Time is time: a dataset with recorded times gets one sidecar per selected
// sample whose temporal collection steps through `/times`; a static dataset
// (Darcy coefficient -> solution) gets one sidecar whose steps are its
// selected samples, so they stay browsable with the time slider.
#pragma once

#include "io/dataset_layout.hpp"

#include <filesystem>
#include <vector>

namespace ff {

// A static dataset's default sidecar lists at most this many samples; a
// trajectory dataset's lists its first sample.
constexpr long kXdmfMaxSamples = 256;

// Writes the sidecars of `h5_path` (and their companion files) for `samples`
// (empty: the default) atomically and returns the sidecar paths; none when
// the grid has no XDMF form (1D grids: use scripts/plot_fields.py) or no
// field lives on it. Names: `<stem>.xdmf` for the default selection,
// `<stem>_sample<k>.xdmf` per named sample of a trajectory dataset and
// `<stem>_samples.xdmf` for a named selection of a static one.
std::vector<std::filesystem::path> write_xdmf_sidecars(const std::filesystem::path& h5_path,
                                                       const DatasetLayout& layout, std::vector<long> samples = {});

// The layout of a finished fieldforge dataset file, read back from it (grid,
// mesh, fields with their vector components, times), for `fieldforge xdmf`.
DatasetLayout read_dataset_layout(const std::filesystem::path& h5_path);

}  // namespace ff
