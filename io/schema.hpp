// Declarative schemas for case-file stages: every key a stage accepts, with
// its type, default, range, smoke-test cap and one-line description. The
// validator checks a YAML map against a schema and fills in the defaults;
// `fieldforge stages` prints schemas as the stage manual.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ff {

enum class ValueKind {
  boolean,
  integer,
  number,
  string,
  choice,        // one string of a fixed list
  input_file,    // an existing, readable file (or a reference to an earlier stage's output)
  dataset_file,  // an input_file that must be a fieldforge HDF5 dataset
  output_file,   // a plain file name, written under output/<stage name>/
  integer_list,
  number_list,
  map,  // a nested schema
};

const char* kind_name(ValueKind kind);

class Schema;

struct KeySpec {
  std::string name;
  ValueKind kind = ValueKind::string;
  std::string description;
  std::optional<std::string> default_yaml;  // default as YAML text; none and !required: optional
  bool required = false;
  std::optional<double> min, max;
  bool min_exclusive = false, max_exclusive = false;
  std::vector<std::string> choices;
  std::optional<double> smoke_cap;  // under --smoke numbers (and list entries) are capped at this value
  std::shared_ptr<const Schema> nested;
  // In a map with a selector key (Schema::select_by): the selector values
  // this key belongs to; empty: all of them.
  std::vector<std::string> applies_to;

  // "a number > 0", "an integer in [1, 3]", "one of float32|float64", ...
  std::string expectation() const;
};

// Chained setters for one key of a schema being built.
class KeyBuilder {
 public:
  KeyBuilder(KeySpec& spec) : spec_(spec) {}
  KeyBuilder& def(const std::string& yaml_text);
  // A string literal would otherwise convert to bool, the closer match.
  KeyBuilder& def(const char* yaml_text) { return def(std::string(yaml_text)); }
  KeyBuilder& def(double value);
  KeyBuilder& def(long value);
  KeyBuilder& def(int value) { return def(static_cast<long>(value)); }
  KeyBuilder& def(bool value);
  KeyBuilder& required();
  // Optional with no default value: when the key is absent the owner chooses
  // (its description says how), e.g. a solve grid chosen from other keys.
  KeyBuilder& no_default();
  KeyBuilder& at_least(double v);
  KeyBuilder& greater_than(double v);
  KeyBuilder& at_most(double v);
  KeyBuilder& choices(std::vector<std::string> values);
  KeyBuilder& smoke(double cap);

 private:
  KeySpec& spec_;
};

class Schema {
 public:
  KeyBuilder key(std::string name, ValueKind kind, std::string description);
  KeyBuilder map(std::string name, Schema nested, std::string description);
  // A key declared elsewhere (a schema made of others' keys); its name must be new.
  KeyBuilder add(KeySpec spec);

  // The map's keys depend on the value of `key` (a choice, e.g. model.kind):
  // a key given whose applies_to leaves that value out is an error.
  void select_by(std::string key) { selector_ = std::move(key); }
  const std::string& selector() const { return selector_; }

  const KeySpec* find(const std::string& name) const;
  const std::vector<KeySpec>& keys() const { return keys_; }
  std::vector<std::string> key_names() const;

  // Man-page text of the keys, indented by `indent` spaces.
  std::string describe(int indent = 2) const;
  // The keys as a JSON Schema (draft-07) object, for editor completion of case files.
  std::string json_schema() const;

 private:
  // A KeyBuilder refers into keys_: use it within one statement only.
  std::vector<KeySpec> keys_;
  std::string selector_;
};

// Closest candidate to `word` within a small edit distance, or "".
std::string nearest_name(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace ff
