// Export of a trained operator to an HDF5 file that Python reads with h5py
// alone (no LibTorch), in the ArrayFileWriter layout:
//
//   /parameters/<name>      every parameter under its LibTorch name, e.g.
//                           lift.weight [width, in + d], lift.bias [width],
//                           spectral_weights.weight [layers, in, out, modes..., 2]
//                           (dense FNO), spectral_weights.core / .factor<n>
//                           (Tucker), skip<l>.weight, project_hidden.weight,
//                           project_out.weight; MG-TFNO nests them under network.
//                           Complex tensors are stored as real arrays whose
//                           last axis (of size 2) holds the real and imaginary parts.
//   /normalizers/input_mean, input_std, target_mean, target_std   [channels, grid...]:
//                           the model maps x to (model((x - input_mean) / (input_std + 1e-5))
//                           * (target_std + 1e-5) + target_mean)
//   attributes on /: model (the model description, YAML `key: value` lines),
//                    data ("in out dimension"), input, target, window, epoch,
//                    checkpoint_format, plus the usual provenance
#pragma once

#include "io/provenance.hpp"

#include <filesystem>

namespace ff::operators {

void export_weights(const std::filesystem::path& checkpoint, const std::filesystem::path& out,
                    const Provenance& provenance);

}  // namespace ff::operators
