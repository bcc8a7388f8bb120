// The model registry: `model.kind` in a case file names a family registered
// here. The registry makes the `model` map's schema from the families' own
// declarations, reads a family's options from a validated config, and
// rebuilds a config from the description a checkpoint carries.
#pragma once

#include "operators/models/model_family.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ff::operators {

class ModelRegistry {
 public:
  template <class Options>
  void add(ModelFamily<Options> family) {
    auto shared = std::make_shared<const ModelFamily<Options>>(std::move(family));
    Entry entry;
    entry.kind = shared->kind;
    entry.summary = shared->summary;
    entry.schema = shared->options.schema();
    entry.read = [shared](const StageConfig& config, const std::string& prefix) -> std::unique_ptr<ModelConfig> {
      return std::make_unique<TypedModelConfig<Options>>(shared, shared->options.read(config, prefix));
    };
    add(std::move(entry));
  }

  std::vector<std::string> kinds() const;
  // The `model` map: `kind` (default `default_kind`) and every family's keys;
  // a key several families declare must mean the same in each, and its
  // description names the kinds that use it unless all do.
  Schema schema(const std::string& default_kind) const;
  // The family options of a validated config's map at `prefix` ("model.").
  std::unique_ptr<ModelConfig> read(const StageConfig& config, const std::string& prefix) const;
  // The config a checkpoint describes (ModelConfig::describe); InputError naming `origin`.
  std::unique_ptr<ModelConfig> from_description(const std::string& text, const std::string& origin) const;

 private:
  struct Entry {
    std::string kind, summary;
    Schema schema;
    std::function<std::unique_ptr<ModelConfig>(const StageConfig&, const std::string&)> read;
  };
  void add(Entry entry);
  const Entry& find(const std::string& kind, const std::string& origin) const;

  std::vector<Entry> families_;
};

// Every family, registered once on first use.
const ModelRegistry& model_registry();

}  // namespace ff::operators
