#include "io/stage.hpp"

#include "core/error.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

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

struct StageConfig::Tree {
  YAML::Node root;
};

StageConfig::StageConfig() : tree_(std::make_unique<Tree>(Tree{YAML::Node(YAML::NodeType::Map)})) {}
StageConfig::StageConfig(const YAML::Node& node, std::filesystem::path stage_dir)
    : tree_(std::make_unique<Tree>(Tree{node})), stage_dir_(std::move(stage_dir)) {}
StageConfig::~StageConfig() = default;
StageConfig::StageConfig(const StageConfig& other)
    : tree_(std::make_unique<Tree>(*other.tree_)), stage_dir_(other.stage_dir_) {}
StageConfig& StageConfig::operator=(const StageConfig& other) {
  tree_ = std::make_unique<Tree>(*other.tree_);
  stage_dir_ = other.stage_dir_;
  return *this;
}

const YAML::Node& yaml_node(const StageConfig& config) { return config.tree_->root; }

namespace {
YAML::Node lookup(const YAML::Node& root, const std::string& dotted) {
  YAML::Node node = find_key(root, dotted);
  FF_REQUIRE(node.IsDefined() && !node.IsNull(), RunError, "stage config has no key '{}'", dotted);
  return node;
}

template <class T>
T convert(const YAML::Node& root, const std::string& dotted) {
  try {
    return lookup(root, dotted).as<T>();
  } catch (const YAML::Exception& e) {  // only a config that skipped validation gets here
    throw RunError(fmt::format("stage config key '{}': {}", dotted, e.msg));
  }
}
}  // namespace

bool StageConfig::has(const std::string& dotted) const {
  YAML::Node node = find_key(tree_->root, dotted);
  return node.IsDefined() && !node.IsNull();
}

bool StageConfig::boolean(const std::string& dotted) const { return convert<bool>(tree_->root, dotted); }
long StageConfig::integer(const std::string& dotted) const { return convert<long>(tree_->root, dotted); }
double StageConfig::number(const std::string& dotted) const { return convert<double>(tree_->root, dotted); }
std::string StageConfig::string(const std::string& dotted) const { return convert<std::string>(tree_->root, dotted); }
std::vector<long> StageConfig::integers(const std::string& dotted) const {
  return convert<std::vector<long>>(tree_->root, dotted);
}
std::vector<double> StageConfig::numbers(const std::string& dotted) const {
  return convert<std::vector<double>>(tree_->root, dotted);
}

std::filesystem::path StageConfig::output_path(const std::string& dotted) const { return stage_dir_ / string(dotted); }

const char* describe(Parallelism parallelism) {
  switch (parallelism) {
    case Parallelism::samples:
      return "sample-parallel: each rank makes its block of the samples";
    case Parallelism::domain:
      return "domain-parallel: the mesh and its solves are distributed over the ranks";
    case Parallelism::data:
      return "data-parallel: each rank trains on its block of every batch, gradients summed";
    case Parallelism::replicated:
      return "replicated: every rank computes it, the file is written once";
    case Parallelism::root:
      return "rank 0 alone: the other ranks wait";
  }
  return "";
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

std::string case_json_schema(const StageRegistry& registry) {
  std::vector<std::string> stages;
  for (const StageInfo& info : registry.all()) {
    Schema stage;
    stage.key("name", ValueKind::string, "the stage's name, unique in the case").required();
    stage.key("type", ValueKind::choice, info.summary).choices({info.type}).required();
    for (const KeySpec& key : info.schema.keys()) stage.add(key);
    stages.push_back(stage.json_schema());
  }
  // The top-level keys as the case loader declares them (io/case_file.cpp).
  Schema top;
  top.key("case", ValueKind::string, "name of the case").required();
  top.key("description", ValueKind::string, "what the case does");
  top.key("output", ValueKind::string, "output folder (default runs/<case>)");
  top.key("seed", ValueKind::integer, "case seed; sample i's randomness depends on (seed, i) only").def(0L).at_least(0);
  std::string json = top.json_schema();
  const std::string stage_list = fmt::format(
      "\"stages\": {{\"type\": \"array\", \"minItems\": 1, \"description\": \"the stages, run in order\", "
      "\"items\": {{\"oneOf\": [{}]}}}}",
      fmt::join(stages, ", "));
  json.insert(json.rfind("\"required\": [") + 13, "\"stages\", ");  // the top level's, last
  json.insert(json.find("\"properties\": {") + 15, stage_list + ", ");
  return "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"title\": \"fieldforge case file\", " +
         json.substr(1);
}

}  // namespace ff
