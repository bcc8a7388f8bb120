// A trained DCDM network read back from its checkpoint (the one format of
// operators/training/checkpoint.hpp, written by the train.dcdm stage).
#pragma once

#include <torch/nn/modules/container/any.h>

#include <filesystem>
#include <string>

namespace ff::operators {

struct DcdmNetwork {
  torch::nn::AnyModule module;  // in evaluation mode on the requested device
  int dimension = 3;
  long grid_divisor = 1;    // cells per axis must be a multiple (2^(pooling levels))
  std::string description;  // the model's options as the checkpoint holds them
};

// InputError naming the file when it is missing, not a checkpoint, or holds
// a model of another kind.
DcdmNetwork load_dcdm_network(const std::filesystem::path& checkpoint, const std::string& device);

// The header entries a DCDM checkpoint carries as its input and target.
inline constexpr const char* kDcdmInput = "dcdm/residual";
inline constexpr const char* kDcdmTarget = "dcdm/direction";

}  // namespace ff::operators
