#include "operators/training/weight_export.hpp"

#include "io/array_file.hpp"
#include "operators/models/trained_operator.hpp"

#include <torch/torch.h>

#include <fmt/format.h>

namespace ff::operators {
namespace {

void write_tensor(ArrayFileWriter& file, const std::string& name, const torch::Tensor& tensor) {
  const torch::Tensor values = tensor.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  const std::vector<std::uint64_t> shape(values.sizes().begin(), values.sizes().end());
  file.write(name, shape, values.data_ptr<float>());
}

}  // namespace

void export_weights(const std::filesystem::path& checkpoint, const std::filesystem::path& out,
                    const Provenance& provenance) {
  TrainedOperator model(checkpoint, "cpu");
  ArrayFileWriter file(out, provenance);
  for (const auto& parameter : model.model().ptr()->named_parameters())
    write_tensor(file, "parameters/" + parameter.key(), parameter.value());
  write_tensor(file, "normalizers/input_mean", model.input_normalizer().mean());
  write_tensor(file, "normalizers/input_std", model.input_normalizer().std());
  write_tensor(file, "normalizers/target_mean", model.target_normalizer().mean());
  write_tensor(file, "normalizers/target_std", model.target_normalizer().std());
  const CheckpointHeader& header = model.header();
  file.attribute("model", header.model);
  file.attribute("data",
                 fmt::format("{} {} {}", header.data.in_channels, header.data.out_channels, header.data.dimension));
  file.attribute("input", header.input);
  file.attribute("target", header.target);
  file.attribute("window", std::to_string(header.window));
  file.attribute("checkpoint_format", std::to_string(kCheckpointFormat));
  file.attribute("epoch", std::to_string(model.epoch()));
  file.commit();
}

}  // namespace ff::operators
