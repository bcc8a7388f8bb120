#include "operators/dcdm/dcdm_model.hpp"

#include "core/error.hpp"
#include "operators/models/dcdm/dcdm_net.hpp"
#include "operators/models/registry.hpp"
#include "operators/training/checkpoint.hpp"

#include <torch/torch.h>

namespace ff::operators {

DcdmNetwork load_dcdm_network(const std::filesystem::path& checkpoint, const std::string& device) {
  CheckpointReader reader(checkpoint, device);
  const CheckpointHeader& header = reader.header();
  const auto config = model_registry().from_description(header.model, checkpoint.string());
  FF_REQUIRE(config->kind() == "dcdm" && header.input == kDcdmInput, InputError,
             "{}: a {} model for {} -> {}, not a DCDM network (train one with a train.dcdm stage)", checkpoint.string(),
             config->kind(), header.input, header.target);
  DcdmNetwork network;
  network.module = config->build(header.data).module;
  reader.load_model(*network.module.ptr());
  network.module.ptr()->to(torch::Device(device));
  network.module.ptr()->eval();
  network.dimension = header.data.dimension;
  network.grid_divisor = 1L << (network.module.ptr<DcdmNetImpl>()->levels() - 1);
  network.description = header.model;
  return network;
}

}  // namespace ff::operators
