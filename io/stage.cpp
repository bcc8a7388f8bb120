#include "io/stage.hpp"

#include "core/error.hpp"

#include <sstream>

namespace ff {

namespace {
// Walks a dotted key path without modifying the tree (yaml-cpp's Node
// assignment rewrites the referenced node, so rebinding uses reset()).
YAML::Node find_key(const YAML::Node& root, const std::string& dotted) {
  YAML::Node node;
  node.reset(root);
  std::stringstream keys(dotted);
  std::string key;
  while (std::getline(keys, key, '.')) {
    if (!node.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
    const YAML::Node& parent = node;
    YAML::Node next = parent[key];
    if (!next.IsDefined()) return next;
    node.reset(next);
  }
  return node;
}
}  // namespace

YAML::Node StageConfig::lookup(const std::string& dotted) const {
  YAML::Node node = find_key(node_, dotted);
  FF_REQUIRE(node.IsDefined() && !node.IsNull(), RunError, "stage config has no key '{}'", dotted);
  return node;
}

bool StageConfig::has(const std::string& dotted) const {
  YAML::Node node = find_key(node_, dotted);
  return node.IsDefined() && !node.IsNull();
}

std::vector<long> StageConfig::integers(const std::string& dotted) const {
  return lookup(dotted).as<std::vector<long>>();
}

std::vector<double> StageConfig::numbers(const std::string& dotted) const {
  return lookup(dotted).as<std::vector<double>>();
}

std::filesystem::path StageConfig::output_path(const std::string& dotted) const {
  return stage_dir_ / get<std::string>(dotted);
}

void StageRegistry::add(StageInfo info) {
  FF_REQUIRE(!find(info.type), Error, "stage type '{}' registered twice", info.type);
  stages_.push_back(std::move(info));
}

const StageInfo* StageRegistry::find(const std::string& type) const {
  for (const auto& s : stages_)
    if (s.type == type) return &s;
  return nullptr;
}

std::vector<std::string> StageRegistry::types() const {
  std::vector<std::string> names;
  for (const auto& s : stages_) names.push_back(s.type);
  return names;
}

}  // namespace ff
