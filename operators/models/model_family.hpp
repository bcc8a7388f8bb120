// A model family as the registry knows it: its options struct declared
// through an OptionsSchema, a builder, and a check of the options against
// the data. Everything above the family (trainer, evaluator, rollouts,
// checkpoints) holds the type-erased ModelConfig and never names a family.
//
// A new family is a folder under operators/models/ whose `family.cpp`
// defines one function returning its ModelFamily<Options>, plus one line in
// models/registry.cpp; docs/adding-a-model.md walks through it.
#pragma once

#include "io/options.hpp"

#include <torch/nn/modules/container/any.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace ff::operators {

// What the data fixes about a model: channels in and out, grid dimension.
struct DataShape {
  int in_channels = 1;
  int out_channels = 1;
  int dimension = 2;
};

// Real parameter counts, spectral weights apart: what a factorization
// saves against dense ones (families without spectral weights leave them 0).
struct ParameterCounts {
  int64_t total = 0;
  int64_t spectral = 0;
  int64_t dense_spectral = 0;  // the same spectral weights unfactorized
};

struct BuiltModel {
  torch::nn::AnyModule module;  // forward: [batch, in, grid...] -> [batch, out, grid...]
  ParameterCounts counts;
};

template <class Options>
struct ModelFamily {
  std::string kind;     // the `model.kind` that selects it
  std::string summary;  // one line for `fieldforge stages`
  OptionsSchema<Options> options;
  // Constraints between keys, checked when a case is loaded (InputError).
  std::function<void(const Options&)> check;
  // InputError when the data does not suit the options.
  std::function<BuiltModel(const Options&, const DataShape&)> build;
  // True when the model was trained on grids that include both boundaries
  // (coordinates j/(n−1)); evaluation resamples normalizers accordingly.
  std::function<bool(const Options&)> closed_grid = [](const Options&) { return false; };
};

// A family's options, type-erased.
class ModelConfig {
 public:
  virtual ~ModelConfig() = default;
  virtual const std::string& kind() const = 0;
  virtual BuiltModel build(const DataShape& data) const = 0;
  // `kind` and every option as YAML text: the description a checkpoint
  // carries, from which the registry rebuilds this config.
  virtual std::string describe() const = 0;
  virtual bool closed_grid() const = 0;
};

template <class Options>
class TypedModelConfig final : public ModelConfig {
 public:
  TypedModelConfig(std::shared_ptr<const ModelFamily<Options>> family, Options options)
      : family_(std::move(family)), options_(std::move(options)) {
    if (family_->check) family_->check(options_);
  }
  const std::string& kind() const override { return family_->kind; }
  BuiltModel build(const DataShape& data) const override { return family_->build(options_, data); }
  std::string describe() const override { return "kind: " + family_->kind + "\n" + family_->options.write(options_); }
  bool closed_grid() const override { return family_->closed_grid(options_); }

 private:
  std::shared_ptr<const ModelFamily<Options>> family_;
  Options options_;
};

}  // namespace ff::operators
