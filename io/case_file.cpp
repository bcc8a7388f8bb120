#include "io/case_file.hpp"

#include "core/error.hpp"
#include "core/hash.hpp"
#include "io/dataset_reader.hpp"
#include "io/yaml_guard.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <map>
#include <new>
#include <set>
#include <sstream>
#include <stdexcept>

namespace ff {
namespace fs = std::filesystem;

namespace {

// Names and references are matched by hand, not with std::regex: libstdc++'s
// matcher recurses once per character and overflows the stack on long values.
bool name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }
bool key_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; }

// A stage name: [A-Za-z_][A-Za-z0-9_-]*
bool is_stage_name(const std::string& s) {
  return !s.empty() && name_start(s[0]) && std::all_of(s.begin() + 1, s.end(), name_char);
}

// A reference ${stage.key.path} starting at text[begin]: stage matches
// [A-Za-z_][A-Za-z0-9_-]*, the key path [A-Za-z_][A-Za-z0-9_.]*.
struct Reference {
  std::size_t begin = 0, end = 0;  // text[begin, end) is the whole ${...}
  std::string stage, keys;
};

bool reference_at(const std::string& text, std::size_t begin, Reference& ref) {
  if (text.compare(begin, 2, "${") != 0) return false;
  std::size_t i = begin + 2;
  const std::size_t stage = i;
  if (i >= text.size() || !name_start(text[i])) return false;
  while (i < text.size() && name_char(text[i])) ++i;
  if (i >= text.size() || text[i] != '.') return false;
  const std::size_t dot = i++;
  if (i >= text.size() || !name_start(text[i])) return false;
  while (i < text.size() && key_char(text[i])) ++i;
  if (i >= text.size() || text[i] != '}') return false;
  ref = {begin, i + 1, text.substr(stage, dot - stage), text.substr(dot + 1, i - dot - 1)};
  return true;
}

// The leftmost reference at or after `from`.
bool next_reference(const std::string& text, std::size_t from, Reference& ref) {
  for (std::size_t at = text.find("${", from); at != std::string::npos; at = text.find("${", at + 1))
    if (reference_at(text, at, ref)) return true;
  return false;
}

// Read-only child access: the const operator[] never inserts keys.
YAML::Node child_of(const YAML::Node& map, const std::string& key) {
  if (!map.IsDefined() || !map.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  return map[key];
}

// Messages name keys and quote values, and either may be as long as the
// file: they show the start of a long text, cut between UTF-8 characters.
std::string shortened(const std::string& text, std::size_t longest) {
  if (text.size() <= longest) return text;
  std::size_t cut = longest;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "...";
}

// One line of an error message, cut to a readable length.
std::string clipped(const std::string& line) {
  constexpr std::size_t kLongest = 1000;
  return line.size() <= kLongest ? line : fmt::format("{} ({} bytes in all)", shortened(line, kLongest), line.size());
}

std::string override_context(const std::string& text) {
  return fmt::format("command line override '{}'", shortened(text, 100));
}

bool present(const YAML::Node& node) { return node.IsDefined() && !node.IsNull(); }

std::string join_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  const std::string near = nearest_name(word, candidates);
  return near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near);
}

std::string quoted(const YAML::Node& node) {
  constexpr std::size_t kShown = 80;
  if (node.IsScalar() && node.Scalar().size() > kShown)
    return fmt::format("\"{}\" ({} bytes)", shortened(node.Scalar(), kShown), node.Scalar().size());
  if (node.IsScalar()) return "\"" + node.Scalar() + "\"";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a map";
  return "nothing";
}

class CaseLoader {
 public:
  CaseLoader(std::string label, const StageRegistry& registry, const LoadOptions& options)
      : label_(std::move(label)), registry_(registry), options_(options) {}

  Case load(const std::string& text);

 private:
  struct RawStage {
    std::string name, type;
    const StageInfo* info = nullptr;
    YAML::Node node;
    std::string path;  // "stages[2]"
  };

  std::string where(const YAML::Node& node) const;
  void error(const YAML::Node& node, const std::string& path, const std::string& message);
  void throw_if_errors();

  void parse(const std::string& text);
  void collect_stages();
  void apply_overrides();
  void validate_top_level();
  void validate_stages();
  void hash_stages();

  YAML::Node validate_map(const YAML::Node& raw, const YAML::Node& parent, const Schema& schema,
                          const std::string& path, int stage, const std::set<std::string>& skip);
  YAML::Node validate_value(const YAML::Node& raw, const KeySpec& spec, const std::string& path, int stage);
  void check_selected_keys(const YAML::Node& raw, const Schema& schema, const std::string& path);
  YAML::Node resolve(const YAML::Node& raw, int stage, const std::string& path, std::vector<std::string>& chain,
                     bool& from_output);
  YAML::Node lookup(const std::string& target, const std::string& keys, int stage, const std::string& path,
                    std::vector<std::string>& chain, bool& from_output);
  int stage_index(const std::string& name) const;
  std::vector<std::string> stage_names() const;
  void over_budget(const std::string& path, const std::string& message);
  YAML::Node default_of(const KeySpec& spec);
  std::string located(const YamlProblem& problem) const;
  std::string in_override(const YamlProblem& problem, const std::string& context) const;

  std::string label_;
  const StageRegistry& registry_;
  const LoadOptions& options_;
  std::vector<std::string> errors_;
  std::vector<std::pair<YAML::Node, std::string>> override_nodes_;
  YAML::Node root_;
  std::vector<RawStage> raw_stages_;
  std::vector<std::set<std::string>> depends_;
  YAML::Node origin_;                              // the key being validated: reference errors point at it
  std::uint64_t reference_nodes_ = 0;              // values copied by ${...} lookups
  std::size_t reference_bytes_ = 0;                // text produced by ${...} inside strings
  bool over_budget_ = false;                       // a reference budget was exceeded (reported once)
  std::map<const KeySpec*, YAML::Node> defaults_;  // parsed default of each key seen
  Case case_;
};

std::string CaseLoader::where(const YAML::Node& node) const {
  for (const auto& [overridden, text] : override_nodes_)
    if (node.IsDefined() && overridden.is(node)) return override_context(text);
  const YAML::Mark mark = node.IsDefined() ? node.Mark() : YAML::Mark::null_mark();
  if (mark.is_null()) return label_;
  return fmt::format("{}:{}:{}", label_, mark.line + 1, mark.column + 1);
}

void CaseLoader::error(const YAML::Node& node, const std::string& path, const std::string& message) {
  errors_.push_back(path.empty() ? fmt::format("{}: {}", where(node), message)
                                 : fmt::format("{}: {}: {}", where(node), path, message));
}

// Parsing a default costs more than validating it: each is parsed once per
// load, and each use gets its own copy.
YAML::Node CaseLoader::default_of(const KeySpec& spec) {
  auto [it, inserted] = defaults_.try_emplace(&spec);
  if (inserted) it->second = YAML::Load(*spec.default_yaml);
  return YAML::Clone(it->second);
}

void CaseLoader::over_budget(const std::string& path, const std::string& message) {
  if (!over_budget_) error(origin_, path, message);
  over_budget_ = true;
}

std::string CaseLoader::located(const YamlProblem& problem) const {
  const auto at = [&](const YAML::Mark& mark) {
    return fmt::format("{}:{}:{}", label_, mark.line + 1, mark.column + 1);
  };
  return fmt::format("{}: {}{}{}", at(problem.mark), problem.path.empty() ? "" : problem.path + ": ", problem.message,
                     problem.first ? " (first given at " + at(*problem.first) + ")" : "");
}

std::string CaseLoader::in_override(const YamlProblem& problem, const std::string& context) const {
  const auto at = [](const YAML::Mark& mark) {
    return mark.line > 0 ? fmt::format("line {}, column {}", mark.line + 1, mark.column + 1)
                         : fmt::format("column {}", mark.column + 1);
  };
  return fmt::format("{}: {}{} (at {} of the value{})", context, problem.path.empty() ? "" : problem.path + ": ",
                     problem.message, at(problem.mark), problem.first ? ", first given at " + at(*problem.first) : "");
}

void CaseLoader::throw_if_errors() {
  if (errors_.empty()) return;
  constexpr std::size_t kShown = 100;  // a file of 20000 unknown keys would give as many lines
  std::string message;
  for (std::size_t i = 0; i < std::min(errors_.size(), kShown); ++i)
    message += (message.empty() ? "" : "\n") + clipped(errors_[i]);
  if (errors_.size() > kShown) message += fmt::format("\n... and {} more problems", errors_.size() - kShown);
  throw InputError(message);
}

void CaseLoader::parse(const std::string& text) {
  // Limits, encoding, duplicate keys and the like first: YAML::Load would
  // hang, overflow the stack or silently drop input on them.
  if (const auto problem = check_yaml(text, YamlSource::case_file)) throw InputError(clipped(located(*problem)));
  try {
    root_ = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw InputError(fmt::format("{}:{}:{}: YAML syntax error: {}", label_, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  if (!root_.IsMap())
    throw InputError(fmt::format("{}:1:1: a case file is a map with keys case, output, seed, stages", label_));
}

void CaseLoader::collect_stages() {
  const YAML::Node stages = child_of(root_, "stages");
  if (!present(stages)) {
    error(root_, "stages", "missing required key (the list of stages to run)");
    return;
  }
  if (!stages.IsSequence() || stages.size() == 0) {
    error(stages, "stages", "expected a non-empty list of stages, got " + quoted(stages));
    return;
  }
  if (stages.size() > LoaderLimits::max_stages) {
    error(stages, "stages",
          fmt::format("{} stages, more than the limit of {}", stages.size(), LoaderLimits::max_stages));
    return;
  }
  for (std::size_t i = 0; i < stages.size(); ++i) {
    RawStage s;
    s.node.reset(stages[i]);
    s.path = fmt::format("stages[{}]", i);
    if (!s.node.IsMap()) {
      error(s.node, s.path, "expected a map with name and type, got " + quoted(s.node));
      continue;
    }
    const YAML::Node name = child_of(s.node, "name"), type = child_of(s.node, "type");
    if (!present(name) || !name.IsScalar())
      error(s.node, s.path + ".name", "missing required key (the stage's name)");
    else if (!is_stage_name(name.Scalar()))
      error(name, s.path + ".name", "expected letters, digits, '_' or '-' starting with a letter, got " + quoted(name));
    else if (stage_index(name.Scalar()) >= 0)
      error(name, s.path + ".name", "duplicate stage name '" + name.Scalar() + "'");
    else
      s.name = name.Scalar();

    if (!present(type) || !type.IsScalar()) {
      error(s.node, s.path + ".type",
            "missing required key (one of: " + fmt::format("{}", fmt::join(registry_.types(), ", ")) + ")");
    } else if (!(s.info = registry_.find(type.Scalar()))) {
      error(type, s.path + ".type",
            "unknown stage type '" + type.Scalar() + "'" + did_you_mean(type.Scalar(), registry_.types()) +
                "; `fieldforge stages` lists them");
    } else {
      s.type = type.Scalar();
    }
    raw_stages_.push_back(std::move(s));
  }
}

void CaseLoader::apply_overrides() {
  for (const std::string& text : options_.overrides) {
    const std::size_t eq = text.find('=');
    const std::string context = override_context(text);
    if (eq == std::string::npos || eq == 0) {
      errors_.push_back(context + ": expected key.path=value");
      continue;
    }
    std::vector<std::string> keys;
    std::stringstream stream(text.substr(0, eq));
    for (std::string k; std::getline(stream, k, '.');) keys.push_back(k);
    if (static_cast<int>(keys.size()) > LoaderLimits::max_depth) {
      errors_.push_back(fmt::format("{}: the key path is more than {} keys deep", context, LoaderLimits::max_depth));
      continue;
    }
    if (const auto problem = check_yaml(text.substr(eq + 1), YamlSource::override_value)) {
      errors_.push_back(in_override(*problem, context));
      continue;
    }
    YAML::Node value;
    try {
      value = YAML::Load(text.substr(eq + 1));
    } catch (const YAML::ParserException& e) {
      errors_.push_back(fmt::format("{}: YAML syntax error in the value: {}", context, e.msg));
      continue;
    }
    YAML::Node target;
    std::size_t first_key = 0;
    if (keys[0] == "stages") {
      const int s = keys.size() >= 3 ? stage_index(keys[1]) : -1;
      if (s < 0) {
        errors_.push_back(keys.size() < 3 ? context + ": expected stages.<stage name>.<key>=value"
                                          : fmt::format("{}: no stage named '{}'{}", context, keys[1],
                                                        did_you_mean(keys[1], stage_names())));
        continue;
      }
      target.reset(raw_stages_[s].node);
      first_key = 2;
    } else {
      target.reset(root_);
    }
    for (std::size_t k = first_key; k + 1 < keys.size(); ++k) {
      const YAML::Node existing = child_of(target, keys[k]);
      if (!existing.IsDefined() || !existing.IsMap()) target[keys[k]] = YAML::Node(YAML::NodeType::Map);
      YAML::Node next = target[keys[k]];
      target.reset(next);
    }
    target[keys.back()] = value;
    override_nodes_.emplace_back(value, text);
  }
}

void CaseLoader::validate_top_level() {
  Schema top;
  top.key("case", ValueKind::string, "name of the case").required();
  top.key("description", ValueKind::string, "what the case does");
  top.key("output", ValueKind::string, "output folder (default runs/<case>)");
  top.key("seed", ValueKind::integer, "case seed; sample i's randomness depends on (seed, i) only").def(0L).at_least(0);
  const YAML::Node top_config = validate_map(root_, root_, top, "", -1, {"stages"});
  throw_if_errors();
  case_.name = top_config["case"].as<std::string>();
  if (top_config["description"]) case_.description = top_config["description"].as<std::string>();
  case_.output = top_config["output"] ? top_config["output"].as<std::string>() : "runs/" + case_.name;
  if (options_.smoke) case_.output += "-smoke";
  case_.seed = top_config["seed"].as<std::uint64_t>();
  case_.smoke = options_.smoke;
}

// In a map whose keys depend on one of them (`model.kind`), a key that the
// chosen value does not use is an error rather than silently ignored.
void CaseLoader::check_selected_keys(const YAML::Node& raw, const Schema& schema, const std::string& path) {
  const KeySpec* selector = schema.selector().empty() ? nullptr : schema.find(schema.selector());
  if (!selector) return;
  const YAML::Node given = child_of(raw, selector->name);
  const std::string chosen = present(given) && given.IsScalar() ? given.Scalar()
                             : selector->default_yaml           ? *selector->default_yaml
                                                                : "";
  for (const auto& entry : raw) {
    const KeySpec* spec = schema.find(entry.first.Scalar());
    if (!spec || spec->applies_to.empty() ||
        std::find(spec->applies_to.begin(), spec->applies_to.end(), chosen) != spec->applies_to.end())
      continue;
    error(entry.first, join_path(path, spec->name),
          fmt::format("not an option of {} '{}' (only of {})", selector->name, chosen,
                      fmt::join(spec->applies_to, ", ")));
  }
}

YAML::Node CaseLoader::validate_map(const YAML::Node& raw, const YAML::Node& parent, const Schema& schema,
                                    const std::string& path, int stage, const std::set<std::string>& skip) {
  YAML::Node out(YAML::NodeType::Map);
  if (present(raw) && !raw.IsMap()) {
    error(raw, path, "expected a map, got " + quoted(raw));
    return out;
  }
  if (present(raw)) {
    for (const auto& entry : raw) {
      const std::string key = entry.first.Scalar();
      if (skip.count(key) || schema.find(key)) continue;
      std::vector<std::string> known = schema.key_names();
      known.insert(known.end(), skip.begin(), skip.end());
      error(entry.first, join_path(path, key), "unknown key" + did_you_mean(key, known));
    }
    check_selected_keys(raw, schema, path);
  }
  for (const KeySpec& spec : schema.keys()) {
    const YAML::Node value = child_of(raw, spec.name);
    const std::string key_path = join_path(path, spec.name);
    if (spec.kind == ValueKind::map) {
      out[spec.name] = validate_map(value, present(raw) ? raw : parent, *spec.nested, key_path, stage, {});
    } else if (!present(value)) {
      if (spec.required)
        error(present(raw) ? raw : parent, key_path, "missing required key (" + spec.description + ")");
      // Defaults go through the same checks, so --smoke caps apply to them too.
      else if (spec.default_yaml)
        out[spec.name] = validate_value(default_of(spec), spec, key_path, stage);
    } else {
      YAML::Node checked = validate_value(value, spec, key_path, stage);
      if (checked.IsDefined()) out[spec.name] = checked;
    }
  }
  return out;
}

YAML::Node CaseLoader::validate_value(const YAML::Node& raw, const KeySpec& spec, const std::string& path, int stage) {
  const std::string stage_prefix = stage >= 0 ? raw_stages_[stage].path + "." : "";
  std::vector<std::string> chain;
  if (stage >= 0) chain.push_back(raw_stages_[stage].name + "." + path.substr(stage_prefix.size()));
  bool from_output = false;
  origin_.reset(raw);
  const YAML::Node value = resolve(raw, stage, path, chain, from_output);
  if (!value.IsDefined()) return value;  // the reference error is already reported

  auto fail = [&](const std::string& got) {
    error(raw, path, "expected " + spec.expectation() + ", got " + got);
    return YAML::Node(YAML::NodeType::Undefined);
  };
  auto in_range = [&](double v) {
    if (spec.min && (spec.min_exclusive ? v <= *spec.min : v < *spec.min)) return false;
    if (spec.max && (spec.max_exclusive ? v >= *spec.max : v > *spec.max)) return false;
    return true;
  };
  auto as_integer = [](const YAML::Node& n, long& out) {
    if (!n.IsScalar()) return false;
    try {
      out = n.as<long>();
      return true;
    } catch (const YAML::Exception&) {
      return false;
    }
  };
  auto as_number = [](const YAML::Node& n, double& out) {
    if (!n.IsScalar()) return false;
    try {
      out = n.as<double>();
      return std::isfinite(out);
    } catch (const YAML::Exception&) {
      return false;
    }
  };
  auto capped = [&](double v) { return options_.smoke && spec.smoke_cap ? std::min(v, *spec.smoke_cap) : v; };
  // Integers stay integers: a round trip through double is undefined behaviour near LONG_MAX.
  auto capped_integer = [&](long v) {
    const bool cap = options_.smoke && spec.smoke_cap && static_cast<double>(v) > *spec.smoke_cap;
    return cap ? static_cast<long>(*spec.smoke_cap) : v;
  };

  switch (spec.kind) {
    case ValueKind::boolean: {
      bool b = false;
      if (!value.IsScalar() || !YAML::convert<bool>::decode(value, b)) return fail(quoted(value));
      return YAML::Node(b);
    }
    case ValueKind::integer: {
      long v = 0;
      if (!as_integer(value, v) || !in_range(static_cast<double>(v))) return fail(quoted(value));
      return YAML::Node(capped_integer(v));
    }
    case ValueKind::number: {
      double v = 0;
      if (!as_number(value, v) || !in_range(v)) return fail(quoted(value));
      return YAML::Node(capped(v));
    }
    case ValueKind::integer_list:
    case ValueKind::number_list: {
      if (!value.IsSequence()) return fail(quoted(value));
      YAML::Node list(YAML::NodeType::Sequence);
      for (const auto& item : value) {
        long i = 0;
        double d = 0;
        if (spec.kind == ValueKind::integer_list ? !as_integer(item, i) || !in_range(static_cast<double>(i))
                                                 : !as_number(item, d) || !in_range(d))
          return fail(quoted(item) + " in the list");
        if (spec.kind == ValueKind::integer_list)
          list.push_back(capped_integer(i));
        else
          list.push_back(capped(d));
      }
      return list;
    }
    case ValueKind::string:
      if (!value.IsScalar()) return fail(quoted(value));
      return YAML::Node(value.Scalar());
    case ValueKind::choice:
      if (!value.IsScalar() ||
          std::find(spec.choices.begin(), spec.choices.end(), value.Scalar()) == spec.choices.end())
        return fail(quoted(value) + did_you_mean(value.IsScalar() ? value.Scalar() : "", spec.choices));
      return YAML::Node(value.Scalar());
    case ValueKind::output_file: {
      if (!value.IsScalar()) return fail(quoted(value));
      const std::string name = value.Scalar();
      if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
        return fail(quoted(value));
      return YAML::Node(name);
    }
    case ValueKind::input_file:
    case ValueKind::dataset_file: {
      if (!value.IsScalar() || value.Scalar().empty()) return fail(quoted(value));
      const std::string file = value.Scalar();
      // Files made by earlier stages do not exist before the run.
      if (options_.check_files && !from_output) {
        if (!fs::exists(file))
          error(raw, path, fmt::format("file '{}' does not exist", file));
        else if (!std::ifstream(file).good())
          error(raw, path, fmt::format("file '{}' is not readable", file));
        else if (spec.kind == ValueKind::dataset_file) {
          try {
            DatasetReader check(file);
          } catch (const InputError& e) {
            error(raw, path, e.what());
          }
        }
      }
      return YAML::Node(file);
    }
    case ValueKind::map:
      break;
  }
  return value;
}

YAML::Node CaseLoader::resolve(const YAML::Node& raw, int stage, const std::string& path,
                               std::vector<std::string>& chain, bool& from_output) {
  if (raw.IsSequence()) {
    YAML::Node list(YAML::NodeType::Sequence);
    for (const auto& item : raw) {
      YAML::Node v = resolve(item, stage, path, chain, from_output);
      if (!v.IsDefined()) return v;
      list.push_back(v);
    }
    return list;
  }
  if (!raw.IsScalar() || raw.Scalar().find("${") == std::string::npos) return raw;
  const std::string text = raw.Scalar();
  if (stage < 0) {
    error(origin_, path, "references are only allowed inside stages");
    return YAML::Node(YAML::NodeType::Undefined);
  }
  Reference ref;
  if (reference_at(text, 0, ref) && ref.end == text.size())  // the whole value: keep the target's type
    return lookup(ref.stage, ref.keys, stage, path, chain, from_output);

  std::string out;
  std::size_t begin = 0;
  for (; next_reference(text, begin, ref); begin = ref.end) {
    out.append(text, begin, ref.begin - begin);
    const YAML::Node v = lookup(ref.stage, ref.keys, stage, path, chain, from_output);
    if (!v.IsDefined()) return v;
    if (!v.IsScalar()) {
      error(origin_, path,
            fmt::format("reference {} names {}, which cannot be part of a string",
                        text.substr(ref.begin, ref.end - ref.begin), quoted(v)));
      return YAML::Node(YAML::NodeType::Undefined);
    }
    reference_bytes_ += v.Scalar().size();
    if (reference_bytes_ > LoaderLimits::max_reference_bytes) {
      over_budget(path, fmt::format("references produce more than {} bytes of text "
                                    "(a reference repeated inside what it references?)",
                                    LoaderLimits::max_reference_bytes));
      return YAML::Node(YAML::NodeType::Undefined);
    }
    out += v.Scalar();
  }
  out.append(text, begin, std::string::npos);
  if (out.find("${") != std::string::npos) {
    error(origin_, path, "malformed reference in " + quoted(raw) + " (expected ${stage.key})");
    return YAML::Node(YAML::NodeType::Undefined);
  }
  return YAML::Node(out);
}

YAML::Node CaseLoader::lookup(const std::string& target, const std::string& keys, int stage, const std::string& path,
                              std::vector<std::string>& chain, bool& from_output) {
  const YAML::Node none(YAML::NodeType::Undefined);
  if (over_budget_) return none;  // reported once
  const std::string reference = "${" + target + "." + keys + "}";
  const int j = stage_index(target);
  if (j < 0) {
    error(origin_, path,
          fmt::format("reference {} names an unknown stage '{}'{}", reference, target,
                      did_you_mean(target, stage_names())));
    return none;
  }
  const std::string id = target + "." + keys;
  if (std::find(chain.begin(), chain.end(), id) != chain.end()) {
    error(origin_, path, fmt::format("cyclic reference: {} -> {}", fmt::join(chain, " -> "), id));
    return none;
  }
  if (static_cast<int>(chain.size()) > LoaderLimits::max_reference_depth) {
    error(origin_, path,
          fmt::format("references nested more than {} deep: {} -> {}", LoaderLimits::max_reference_depth,
                      fmt::join(chain, " -> "), id));
    return none;
  }
  // Each lookup copies what it names: the resolved case is bounded like the file.
  reference_nodes_ += 1;
  if (reference_nodes_ > LoaderLimits::max_nodes) {
    over_budget(path, fmt::format("references expand to more than {} values", LoaderLimits::max_nodes));
    return none;
  }
  if (!raw_stages_[j].info) return none;  // unknown type, already reported

  const Schema* schema = &raw_stages_[j].info->schema;
  const KeySpec* spec = nullptr;
  YAML::Node node;
  node.reset(raw_stages_[j].node);
  std::stringstream stream(keys);
  for (std::string key; std::getline(stream, key, '.');) {
    if (!schema) {
      error(origin_, path, fmt::format("reference {}: '{}' is not a map", reference, spec->name));
      return none;
    }
    spec = schema->find(key);
    if (!spec) {
      error(origin_, path,
            fmt::format("reference {}: stage '{}' ({}) has no key '{}'{}", reference, target, raw_stages_[j].type, key,
                        did_you_mean(key, schema->key_names())));
      return none;
    }
    const YAML::Node next = child_of(node, key);
    node.reset(next.IsDefined() ? next : YAML::Node(YAML::NodeType::Undefined));
    schema = spec->kind == ValueKind::map ? spec->nested.get() : nullptr;
  }
  if (spec->kind == ValueKind::map) {
    error(origin_, path, fmt::format("reference {} names a map; reference one of its keys", reference));
    return none;
  }
  YAML::Node value = present(node) ? node : spec->default_yaml ? default_of(*spec) : none;
  if (!value.IsDefined()) {
    error(origin_, path, fmt::format("reference {}: the key has no value and no default", reference));
    return none;
  }
  chain.push_back(id);
  bool target_from_output = false;
  value = resolve(value, j, path, chain, target_from_output);
  chain.pop_back();
  if (!value.IsDefined()) return value;
  if (value.IsSequence()) {
    reference_nodes_ += value.size();
    if (reference_nodes_ > LoaderLimits::max_nodes) {
      over_budget(path, fmt::format("references expand to more than {} values", LoaderLimits::max_nodes));
      return none;
    }
  }

  if (spec->kind == ValueKind::output_file) {
    if (j >= stage) {
      error(origin_, path,
            fmt::format("reference {}: stage '{}' does not run before '{}', so its output does not exist yet",
                        reference, target, raw_stages_[stage].name));
      return none;
    }
    from_output = true;
    depends_[stage].insert(target);
    return YAML::Node((case_.output / target / value.Scalar()).string());
  }
  from_output = from_output || target_from_output;
  return value;
}

int CaseLoader::stage_index(const std::string& name) const {
  for (std::size_t i = 0; i < raw_stages_.size(); ++i)
    if (raw_stages_[i].name == name) return static_cast<int>(i);
  return -1;
}

std::vector<std::string> CaseLoader::stage_names() const {
  std::vector<std::string> names;
  for (const auto& s : raw_stages_) names.push_back(s.name);
  return names;
}

void CaseLoader::validate_stages() {
  depends_.assign(raw_stages_.size(), {});
  for (std::size_t i = 0; i < raw_stages_.size(); ++i) {
    const RawStage& raw = raw_stages_[i];
    if (!raw.info) continue;
    ResolvedStage stage;
    stage.name = raw.name;
    stage.type = raw.type;
    stage.info = raw.info;
    stage.output_dir = case_.output / raw.name;
    stage.config =
        StageConfig(validate_map(raw.node, raw.node, raw.info->schema, raw.path, static_cast<int>(i), {"name", "type"}),
                    stage.output_dir);
    case_.stages.push_back(std::move(stage));
  }
  throw_if_errors();
  // Constructing a stage checks the constraints between its keys (a grid
  // size that must divide another, ...); constructors touch no files.
  for (std::size_t i = 0; i < case_.stages.size(); ++i) {
    ResolvedStage& stage = case_.stages[i];
    try {
      stage.info->create(stage.config);
    } catch (const InputError& e) {
      error(raw_stages_[i].node, raw_stages_[i].path, e.what());
    } catch (const std::length_error& e) {
      // Sizes derived from the keys (final_time / record_every records, ...)
      // that no vector can hold: still bad input, not a failed run.
      error(raw_stages_[i].node, raw_stages_[i].path,
            fmt::format("its keys ask for more memory than exists ({})", e.what()));
    } catch (const std::bad_alloc&) {
      error(raw_stages_[i].node, raw_stages_[i].path, "its keys ask for more memory than this machine has");
    }
    stage.depends_on.assign(depends_[i].begin(), depends_[i].end());
  }
  throw_if_errors();
}

void CaseLoader::hash_stages() {
  std::map<std::string, std::string> hashes;
  for (ResolvedStage& stage : case_.stages) {
    // The name is part of it: stages draw their random streams from it.
    std::string text = fmt::format("{}\n{}\n{}\n{}\n{}\n", stage.name, stage.type, stage.info->version, case_.seed,
                                   YAML::Dump(yaml_node(stage.config)));
    for (const auto& upstream : stage.depends_on) text += hashes.at(upstream) + "\n";
    stage.hash = hex64(fnv1a64(text));
    hashes[stage.name] = stage.hash;
  }
}

Case CaseLoader::load(const std::string& text) {
  case_.file = label_;
  parse(text);
  collect_stages();
  apply_overrides();
  throw_if_errors();
  validate_top_level();
  validate_stages();
  hash_stages();
  return std::move(case_);
}

}  // namespace

std::string Case::resolved_yaml() const {
  YAML::Node root(YAML::NodeType::Map);
  root["case"] = name;
  if (!description.empty()) root["description"] = description;
  root["output"] = output.string();
  root["seed"] = seed;
  for (const ResolvedStage& stage : stages) {
    YAML::Node entry(YAML::NodeType::Map);
    entry["name"] = stage.name;
    entry["type"] = stage.type;
    for (const auto& kv : yaml_node(stage.config)) entry[kv.first.Scalar()] = kv.second;
    root["stages"].push_back(entry);
  }
  return YAML::Dump(root) + "\n";
}

Case parse_case(const std::string& text, const std::string& label, const StageRegistry& registry,
                const LoadOptions& options) {
  return CaseLoader(label, registry, options).load(text);
}

Case load_case(const fs::path& file, const StageRegistry& registry, const LoadOptions& options) {
  FF_REQUIRE(fs::exists(file), InputError, "{}: case file not found", file.string());
  std::ifstream in(file, std::ios::binary);
  FF_REQUIRE(in.good() && !fs::is_directory(file), InputError, "{}: case file is not readable", file.string());
  // Read at most one byte past the limit, so that a huge file (or /dev/zero)
  // is never read whole.
  std::string text(LoaderLimits::max_bytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > LoaderLimits::max_bytes)
    throw InputError(fmt::format("{}:1:1: the file is more than {} bytes ({} KiB), the limit for a case file",
                                 file.string(), LoaderLimits::max_bytes, LoaderLimits::max_bytes / 1024));
  return parse_case(text, file.string(), registry, options);
}

}  // namespace ff
