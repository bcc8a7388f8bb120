// Operator checkpoints, in one format written and read here only. A
// checkpoint is a LibTorch archive:
//
//   header/format        int64, kCheckpointFormat: a reader refuses any other
//   header/<entry>       strings: model (the registry's description, YAML),
//                        data (in/out channels, dimension), input, target,
//                        window, validation, seed, fieldforge_version,
//                        git_sha, case (resolved YAML), case_hash
//   model/...            the module's parameters and buffers
//   optimizer/...        optimizer state (training checkpoints)
//   normalizers          input_mean, input_std, target_mean, target_std
//   epoch, rng           the next epoch to train; the CPU generator's state
//   loss_scale...        fp16 training only
//
// so that `--resume` continues a killed run exactly and evaluation rebuilds
// the model from the file alone. Every failure to read is an InputError that
// names the file.
#pragma once

#include "operators/models/model_family.hpp"
#include "operators/training/normalizer.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

namespace torch::optim {
class Optimizer;
}
namespace torch::serialize {
class InputArchive;
class OutputArchive;
}  // namespace torch::serialize

namespace ff::operators {

// Bump when the layout above changes; readers name both numbers when they differ.
inline constexpr int64_t kCheckpointFormat = 2;

struct CheckpointHeader {
  std::string model;  // ModelConfig::describe()
  DataShape data;
  std::string input, target;  // dataset fields, e.g. "inputs/a", "outputs/u"
  long window = 0;            // autoregressive models: steps in
  long validation = 0;        // training samples held out for validation
  std::uint64_t seed = 0;     // of the initial weights and the batch order
  // Provenance: who wrote it, from which case.
  std::string fieldforge_version, git_sha;
  std::string case_yaml, case_hash;

  // Provenance of this build and `case_yaml` (fills version, git sha and hash).
  void stamp(const std::string& resolved_case);
  // The entries a resumed run must share with the run it continues.
  std::map<std::string, std::string> identity() const;
};

class CheckpointWriter {
 public:
  explicit CheckpointWriter(const CheckpointHeader& header);
  ~CheckpointWriter();

  CheckpointWriter& model(const torch::nn::Module& module);
  CheckpointWriter& optimizer(const torch::optim::Optimizer& optimizer);
  CheckpointWriter& normalizers(const GaussianNormalizer& input, const GaussianNormalizer& target);
  CheckpointWriter& epoch(long epoch);
  // The archive itself, for state that writes its own entries (the fp16 loss scaler).
  torch::serialize::OutputArchive& archive();
  // Atomic: written to `path.partial`, then renamed. Adds the RNG state.
  void save(const std::filesystem::path& path);

 private:
  struct Archive;
  std::unique_ptr<Archive> archive_;
};

class CheckpointReader {
 public:
  // Opens and checks the format and header; tensors land on `device`.
  CheckpointReader(const std::filesystem::path& path, const std::string& device);
  ~CheckpointReader();

  const CheckpointHeader& header() const { return header_; }
  // Loads the weights after checking that every parameter has the shape
  // the checkpoint stores.
  void load_model(torch::nn::Module& module);
  void load_optimizer(torch::optim::Optimizer& optimizer);
  GaussianNormalizer input_normalizer();
  GaussianNormalizer target_normalizer();
  long epoch();
  void restore_rng();
  torch::serialize::InputArchive& archive();

 private:
  std::string origin_;
  struct Archive;
  std::unique_ptr<Archive> archive_;
  CheckpointHeader header_;
};

}  // namespace ff::operators
