#include "io/options.hpp"

#include "core/error.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace ff {

struct OptionsText::Tree {
  YAML::Node root{YAML::NodeType::Map};
};

OptionsText::OptionsText() : tree_(std::make_unique<Tree>()) {}
OptionsText::~OptionsText() = default;

void OptionsText::set(const std::string& dotted, const std::string& yaml_scalar_text) {
  std::vector<std::string> keys;
  std::stringstream stream(dotted);
  for (std::string k; std::getline(stream, k, '.');) keys.push_back(k);
  YAML::Node node;
  node.reset(tree_->root);
  for (std::size_t i = 0; i + 1 < keys.size(); ++i) {
    if (!node[keys[i]].IsMap()) node[keys[i]] = YAML::Node(YAML::NodeType::Map);
    YAML::Node next = node[keys[i]];
    node.reset(next);
  }
  YAML::Node value = YAML::Load(yaml_scalar_text);
  if (value.IsSequence()) value.SetStyle(YAML::EmitterStyle::Flow);
  node[keys.back()] = value;
}

std::string OptionsText::str() const { return YAML::Dump(tree_->root) + "\n"; }

std::string yaml_text(bool value) { return value ? "true" : "false"; }
std::string yaml_text(long value) { return std::to_string(value); }
std::string yaml_text(double value) {
  // fmt's shortest round-trip form; "1" would read back as an integer, which is fine for number keys.
  return fmt::format("{}", value);
}
std::string yaml_text(const std::string& value) {
  // Plain where YAML reads it back as this text ("float32"), quoted otherwise ("", "a: b", "null").
  YAML::Emitter out;
  out << value;
  return out.c_str();
}
std::string yaml_text(const std::vector<long>& values) { return fmt::format("[{}]", fmt::join(values, ", ")); }
std::string yaml_text(const std::vector<int>& values) { return fmt::format("[{}]", fmt::join(values, ", ")); }
std::string yaml_text(const std::vector<double>& values) {
  std::vector<std::string> items;
  for (double v : values) items.push_back(yaml_text(v));
  return fmt::format("[{}]", fmt::join(items, ", "));
}

int narrow_to_int(long value, const std::string& key) {
  FF_REQUIRE(value >= std::numeric_limits<int>::min() && value <= std::numeric_limits<int>::max(), InputError,
             "{}: {} is too large (at most {})", key, value, std::numeric_limits<int>::max());
  return static_cast<int>(value);
}

namespace {

// Checks one value against its key (type, choices, range) without the case
// loader's references and file checks: text read back from a checkpoint.
bool admissible(const YAML::Node& value, const KeySpec& spec) {
  auto in_range = [&](double v) {
    if (!std::isfinite(v)) return false;
    if (spec.min && (spec.min_exclusive ? v <= *spec.min : v < *spec.min)) return false;
    if (spec.max && (spec.max_exclusive ? v >= *spec.max : v > *spec.max)) return false;
    return true;
  };
  auto scalar_ok = [&](const YAML::Node& n, ValueKind kind) {
    if (!n.IsScalar()) return false;
    try {
      switch (kind) {
        case ValueKind::boolean:
          return (n.as<bool>(), true);
        case ValueKind::integer:
          return in_range(static_cast<double>(n.as<long>()));
        case ValueKind::number:
          return in_range(n.as<double>());
        case ValueKind::choice:
          return std::find(spec.choices.begin(), spec.choices.end(), n.Scalar()) != spec.choices.end();
        default:
          return true;
      }
    } catch (const YAML::Exception&) {
      return false;
    }
  };
  if (spec.kind == ValueKind::integer_list || spec.kind == ValueKind::number_list) {
    if (!value.IsSequence()) return false;
    for (const auto& item : value)
      if (!scalar_ok(item, spec.kind == ValueKind::integer_list ? ValueKind::integer : ValueKind::number)) return false;
    return true;
  }
  return scalar_ok(value, spec.kind);
}

YAML::Node validated(const YAML::Node& raw, const Schema& schema, const std::string& path, const std::string& origin) {
  const bool is_map = raw.IsDefined() && raw.IsMap();  // a missing key is an invalid node: type queries throw
  FF_REQUIRE(!raw.IsDefined() || raw.IsNull() || is_map, InputError, "{}: {}: expected a map", origin, path);
  if (is_map) {
    const KeySpec* selector = schema.selector().empty() ? nullptr : schema.find(schema.selector());
    const std::string chosen = selector && raw[selector->name].IsScalar() ? raw[selector->name].Scalar() : "";
    for (const auto& entry : raw) {
      const KeySpec* spec = schema.find(entry.first.Scalar());
      FF_REQUIRE(spec, InputError, "{}: unknown key '{}{}'", origin, path, entry.first.Scalar());
      FF_REQUIRE(chosen.empty() || spec->applies_to.empty() ||
                     std::find(spec->applies_to.begin(), spec->applies_to.end(), chosen) != spec->applies_to.end(),
                 InputError, "{}: {}{}: not an option of {} '{}'", origin, path, spec->name, selector->name, chosen);
    }
  }
  YAML::Node out(YAML::NodeType::Map);
  for (const KeySpec& spec : schema.keys()) {
    const YAML::Node value = is_map ? raw[spec.name] : YAML::Node(YAML::NodeType::Undefined);
    if (spec.kind == ValueKind::map) {
      out[spec.name] = validated(value, *spec.nested, path + spec.name + ".", origin);
    } else if (value.IsDefined() && !value.IsNull()) {
      FF_REQUIRE(admissible(value, spec), InputError, "{}: {}{}: expected {}, got {}", origin, path, spec.name,
                 spec.expectation(), value.IsScalar() ? "'" + value.Scalar() + "'" : std::string("a list or map"));
      out[spec.name] = value;
    } else if (spec.default_yaml) {
      out[spec.name] = YAML::Load(*spec.default_yaml);
    } else {
      FF_REQUIRE(!spec.required, InputError, "{}: {}{}: missing", origin, path, spec.name);
    }
  }
  return out;
}

}  // namespace

StageConfig config_from_text(const std::string& text, const Schema& schema, const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw InputError(fmt::format("{}: damaged options text: {}", origin, e.msg));
  }
  return StageConfig(validated(root, schema, "", origin), {});
}

}  // namespace ff
