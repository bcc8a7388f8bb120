#include "operators/training/checkpoint.hpp"

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/hash.hpp"
#include "operators/layers/shape.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>
#include <fieldforge/build_config.hpp>

#include <fmt/format.h>

#include <cstdio>
#include <mutex>
#include <sstream>

namespace ff::operators {

void CheckpointHeader::stamp(const std::string& resolved_case) {
  fieldforge_version = FIELDFORGE_VERSION;
  git_sha = FIELDFORGE_GIT_SHA;
  case_yaml = resolved_case;
  case_hash = hex64(fnv1a64(resolved_case));
}

std::map<std::string, std::string> CheckpointHeader::identity() const {
  return {{"model", model},
          {"input", input},
          {"target", target},
          {"window", std::to_string(window)},
          {"validation", std::to_string(validation)},
          {"seed", std::to_string(seed)}};
}

namespace {

std::string data_text(const DataShape& d) {
  return fmt::format("{} {} {}", d.in_channels, d.out_channels, d.dimension);
}

torch::Tensor generator_state() {
  auto generator = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(generator.mutex());
  return generator.get_state();
}

// The tensor Module::save stored for parameter "a.b.weight": nested
// archives per submodule, the tensor in the innermost one.
torch::Tensor stored_parameter(torch::serialize::InputArchive& archive, const std::string& dotted) {
  const auto dot = dotted.find('.');
  torch::Tensor tensor;
  if (dot == std::string::npos) {
    archive.read(dotted, tensor);
    return tensor;
  }
  torch::serialize::InputArchive child;
  archive.read(dotted.substr(0, dot), child);
  return stored_parameter(child, dotted.substr(dot + 1));
}

}  // namespace

struct CheckpointWriter::Archive {
  torch::serialize::OutputArchive root;
};

CheckpointWriter::CheckpointWriter(const CheckpointHeader& h) : archive_(std::make_unique<Archive>()) {
  torch::serialize::OutputArchive header;
  header.write("format", torch::tensor(kCheckpointFormat));
  const std::map<std::string, std::string> entries{{"model", h.model},
                                                   {"data", data_text(h.data)},
                                                   {"input", h.input},
                                                   {"target", h.target},
                                                   {"window", std::to_string(h.window)},
                                                   {"validation", std::to_string(h.validation)},
                                                   {"seed", std::to_string(h.seed)},
                                                   {"fieldforge_version", h.fieldforge_version},
                                                   {"git_sha", h.git_sha},
                                                   {"case", h.case_yaml},
                                                   {"case_hash", h.case_hash}};
  for (const auto& [key, value] : entries) header.write(key, c10::IValue(value));
  archive_->root.write("header", header);
}

CheckpointWriter::~CheckpointWriter() = default;

CheckpointWriter& CheckpointWriter::model(const torch::nn::Module& module) {
  torch::serialize::OutputArchive archive;
  module.save(archive);
  archive_->root.write("model", archive);
  return *this;
}

CheckpointWriter& CheckpointWriter::optimizer(const torch::optim::Optimizer& optimizer) {
  torch::serialize::OutputArchive archive;
  optimizer.save(archive);
  archive_->root.write("optimizer", archive);
  return *this;
}

CheckpointWriter& CheckpointWriter::normalizers(const GaussianNormalizer& input, const GaussianNormalizer& target) {
  input.save(archive_->root, "input");
  target.save(archive_->root, "target");
  return *this;
}

CheckpointWriter& CheckpointWriter::epoch(long epoch) {
  archive_->root.write("epoch", torch::tensor(static_cast<int64_t>(epoch)));
  return *this;
}

torch::serialize::OutputArchive& CheckpointWriter::archive() { return archive_->root; }

void CheckpointWriter::save(const std::filesystem::path& path) {
  archive_->root.write("rng", generator_state());
  // Serialized in memory, then written by us: LibTorch's file writer reports
  // a full disk from a destructor, which ends the process.
  std::ostringstream bytes;
  archive_->root.save_to(bytes);
  write_file_atomically(path, bytes.str());
}

struct CheckpointReader::Archive {
  torch::serialize::InputArchive root;
};

CheckpointReader::CheckpointReader(const std::filesystem::path& path, const std::string& device)
    : origin_(path.string()), archive_(std::make_unique<Archive>()) {
  FF_REQUIRE(std::filesystem::is_regular_file(path), InputError, "{}: no such checkpoint", origin_);
  try {
    archive_->root.load_from(origin_, torch::Device(device));
  } catch (const c10::Error& e) {
    throw InputError(fmt::format("{}: not a readable LibTorch archive (truncated or not a checkpoint): {}", origin_,
                                 e.what_without_backtrace()));
  }
  torch::serialize::InputArchive header;
  torch::Tensor format;
  FF_REQUIRE(archive_->root.try_read("header", header) && header.try_read("format", format), InputError,
             "{}: not a fieldforge checkpoint of format {} (an older fieldforge wrote it, or another program): "
             "train it again",
             origin_, kCheckpointFormat);
  FF_REQUIRE(format.item<int64_t>() == kCheckpointFormat, InputError,
             "{}: checkpoint format {}, but this fieldforge reads format {}", origin_, format.item<int64_t>(),
             kCheckpointFormat);
  auto entry = [&](const std::string& key) {
    c10::IValue value;
    FF_REQUIRE(header.try_read(key, value) && value.isString(), InputError, "{}: the checkpoint header has no '{}'",
               origin_, key);
    return value.toStringRef();
  };
  auto integer = [&](const std::string& key) {
    try {
      return std::stol(entry(key));
    } catch (const std::logic_error&) {
      throw InputError(fmt::format("{}: damaged checkpoint header entry '{}'", origin_, key));
    }
  };
  CheckpointHeader& h = header_;
  h.model = entry("model");
  FF_REQUIRE(
      std::sscanf(entry("data").c_str(), "%d %d %d", &h.data.in_channels, &h.data.out_channels, &h.data.dimension) == 3,
      InputError, "{}: damaged checkpoint header entry 'data'", origin_);
  h.input = entry("input");
  h.target = entry("target");
  h.window = integer("window");
  h.validation = integer("validation");
  h.seed = static_cast<std::uint64_t>(integer("seed"));
  h.fieldforge_version = entry("fieldforge_version");
  h.git_sha = entry("git_sha");
  h.case_yaml = entry("case");
  h.case_hash = entry("case_hash");
}

CheckpointReader::~CheckpointReader() = default;

void CheckpointReader::load_model(torch::nn::Module& module) {
  try {
    torch::serialize::InputArchive stored;
    archive_->root.read("model", stored);
    // Module::load adopts whatever shapes it finds: check them first.
    for (const auto& parameter : module.named_parameters()) {
      const torch::Tensor tensor = stored_parameter(stored, parameter.key());
      FF_REQUIRE(tensor.sizes() == parameter.value().sizes(), InputError,
                 "{}: parameter '{}' has shape {} in the checkpoint but {} in this model", origin_, parameter.key(),
                 shape_of(tensor), shape_of(parameter.value()));
    }
    module.load(stored);
  } catch (const c10::Error& e) {
    throw InputError(
        fmt::format("{}: the checkpoint's weights do not fit this model: {}", origin_, e.what_without_backtrace()));
  }
}

void CheckpointReader::load_optimizer(torch::optim::Optimizer& optimizer) {
  try {
    torch::serialize::InputArchive stored;
    archive_->root.read("optimizer", stored);
    optimizer.load(stored);
  } catch (const c10::Error& e) {
    throw InputError(fmt::format("{}: no optimizer state of this optimizer: {}", origin_, e.what_without_backtrace()));
  }
}

GaussianNormalizer CheckpointReader::input_normalizer() {
  try {
    return GaussianNormalizer::load(archive_->root, "input");
  } catch (const c10::Error& e) {
    throw InputError(fmt::format("{}: damaged checkpoint: {}", origin_, e.what_without_backtrace()));
  }
}

GaussianNormalizer CheckpointReader::target_normalizer() {
  try {
    return GaussianNormalizer::load(archive_->root, "target");
  } catch (const c10::Error& e) {
    throw InputError(fmt::format("{}: damaged checkpoint: {}", origin_, e.what_without_backtrace()));
  }
}

long CheckpointReader::epoch() {
  torch::Tensor epoch;
  FF_REQUIRE(archive_->root.try_read("epoch", epoch), InputError, "{}: the checkpoint has no epoch", origin_);
  return static_cast<long>(epoch.item<int64_t>());
}

void CheckpointReader::restore_rng() {
  torch::Tensor state;
  FF_REQUIRE(archive_->root.try_read("rng", state), InputError, "{}: the checkpoint has no RNG state", origin_);
  auto generator = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(generator.mutex());
  generator.set_state(state.to(torch::kCPU));
}

torch::serialize::InputArchive& CheckpointReader::archive() { return archive_->root; }

}  // namespace ff::operators
