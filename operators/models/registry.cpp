#include "operators/models/registry.hpp"

#include "core/error.hpp"
#include "operators/models/dcdm/family.hpp"
#include "operators/models/factformer/family.hpp"
#include "operators/models/fno/family.hpp"
#include "operators/models/mg_tfno/family.hpp"
#include "operators/models/sfno/family.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace ff::operators {

const ModelRegistry& model_registry() {
  static const ModelRegistry registry = [] {
    ModelRegistry r;
    r.add(fno_family());
    r.add(tfno_family());
    r.add(mg_tfno_family());
    r.add(sfno_family());
    r.add(dcdm_family());
    r.add(factformer_family());
    return r;
  }();
  return registry;
}

void ModelRegistry::add(Entry entry) {
  for (const Entry& e : families_)
    if (e.kind == entry.kind) throw std::logic_error("model kind '" + entry.kind + "' registered twice");
  families_.push_back(std::move(entry));
}

std::vector<std::string> ModelRegistry::kinds() const {
  std::vector<std::string> kinds;
  for (const Entry& e : families_) kinds.push_back(e.kind);
  return kinds;
}

Schema ModelRegistry::schema(const std::string& default_kind) const {
  std::vector<std::string> summaries;
  for (const Entry& e : families_) summaries.push_back(e.kind + " (" + e.summary + ")");
  Schema schema;
  schema.key("kind", ValueKind::choice, fmt::format("the model family: {}", fmt::join(summaries, "; ")))
      .choices(kinds())
      .def(default_kind);
  // Each key once, in the order families declare them; a shared key must
  // have the same type and default in every family that declares it.
  std::vector<KeySpec> keys;
  std::vector<std::vector<std::string>> users;
  for (const Entry& e : families_)
    for (const KeySpec& spec : e.schema.keys()) {
      std::size_t i = 0;
      while (i < keys.size() && keys[i].name != spec.name) ++i;
      if (i == keys.size()) {
        keys.push_back(spec);
        users.emplace_back();
      } else if (keys[i].kind != spec.kind || keys[i].default_yaml != spec.default_yaml) {
        throw std::logic_error(fmt::format("model key '{}' means different things in kinds {} and {}", spec.name,
                                           users[i].front(), e.kind));
      }
      users[i].push_back(e.kind);
    }
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (users[i].size() < families_.size()) {
      keys[i].description = fmt::format("{}: {}", fmt::join(users[i], "/"), keys[i].description);
      keys[i].applies_to = users[i];
    }
    schema.add(std::move(keys[i]));
  }
  schema.select_by("kind");
  return schema;
}

const ModelRegistry::Entry& ModelRegistry::find(const std::string& kind, const std::string& origin) const {
  for (const Entry& e : families_)
    if (e.kind == kind) return e;
  throw InputError(
      fmt::format("{}: unknown model kind '{}' (this fieldforge knows {})", origin, kind, fmt::join(kinds(), ", ")));
}

std::unique_ptr<ModelConfig> ModelRegistry::read(const StageConfig& config, const std::string& prefix) const {
  const std::string kind = config.string(prefix + "kind");
  return find(kind, "model.kind").read(config, prefix);
}

std::unique_ptr<ModelConfig> ModelRegistry::from_description(const std::string& text, const std::string& origin) const {
  const StageConfig config = config_from_text(text, schema(families_.front().kind), origin);
  const std::string kind = config.string("kind");
  try {
    return find(kind, origin).read(config, "");
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: the model description does not make a model: {}", origin, e.what()));
  }
}

}  // namespace ff::operators
