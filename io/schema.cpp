#include "io/schema.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace ff {

const char* kind_name(ValueKind kind) {
  switch (kind) {
    case ValueKind::boolean:
      return "bool";
    case ValueKind::integer:
      return "integer";
    case ValueKind::number:
      return "number";
    case ValueKind::string:
      return "string";
    case ValueKind::choice:
      return "choice";
    case ValueKind::input_file:
      return "input file";
    case ValueKind::dataset_file:
      return "dataset file";
    case ValueKind::output_file:
      return "output file";
    case ValueKind::integer_list:
      return "integer list";
    case ValueKind::number_list:
      return "number list";
    case ValueKind::map:
      return "map";
  }
  return "?";
}

std::string KeySpec::expectation() const {
  const bool integral = kind == ValueKind::integer || kind == ValueKind::integer_list;
  std::string what;
  switch (kind) {
    case ValueKind::boolean:
      return "true or false";
    case ValueKind::choice: {
      std::string list;
      for (const auto& c : choices) list += (list.empty() ? "" : "|") + c;
      return "one of " + list;
    }
    case ValueKind::input_file:
      return "the path of a readable file";
    case ValueKind::dataset_file:
      return "the path of a fieldforge HDF5 dataset";
    case ValueKind::output_file:
      return "a file name without directories";
    case ValueKind::map:
      return "a map";
    case ValueKind::string:
      return "a string";
    case ValueKind::integer_list:
      what = "a list of integers";
      break;
    case ValueKind::number_list:
      what = "a list of numbers";
      break;
    default:
      what = integral ? "an integer" : "a number";
  }
  auto num = [&](double v) { return integral ? fmt::format("{}", static_cast<long>(v)) : fmt::format("{:g}", v); };
  if (min && max && !min_exclusive && !max_exclusive) return fmt::format("{} in [{}, {}]", what, num(*min), num(*max));
  if (min) what += fmt::format(" {} {}", min_exclusive ? ">" : ">=", num(*min));
  if (min && max) what += " and";
  if (max) what += fmt::format(" {} {}", max_exclusive ? "<" : "<=", num(*max));
  return what;
}

KeyBuilder& KeyBuilder::def(const std::string& yaml_text) {
  spec_.default_yaml = yaml_text;
  return *this;
}
KeyBuilder& KeyBuilder::def(double value) { return def(fmt::format("{:g}", value)); }
KeyBuilder& KeyBuilder::def(long value) { return def(std::to_string(value)); }
KeyBuilder& KeyBuilder::def(bool value) { return def(value ? "true" : "false"); }
KeyBuilder& KeyBuilder::no_default() {
  spec_.default_yaml.reset();
  return *this;
}
KeyBuilder& KeyBuilder::required() {
  spec_.required = true;
  return *this;
}
KeyBuilder& KeyBuilder::at_least(double v) {
  spec_.min = v;
  spec_.min_exclusive = false;
  return *this;
}
KeyBuilder& KeyBuilder::greater_than(double v) {
  spec_.min = v;
  spec_.min_exclusive = true;
  return *this;
}
KeyBuilder& KeyBuilder::at_most(double v) {
  spec_.max = v;
  return *this;
}
KeyBuilder& KeyBuilder::choices(std::vector<std::string> values) {
  spec_.choices = std::move(values);
  return *this;
}
KeyBuilder& KeyBuilder::smoke(double cap) {
  spec_.smoke_cap = cap;
  return *this;
}

KeyBuilder Schema::key(std::string name, ValueKind kind, std::string description) {
  KeySpec spec;
  spec.name = std::move(name);
  spec.kind = kind;
  spec.description = std::move(description);
  keys_.push_back(std::move(spec));
  return KeyBuilder(keys_.back());
}

KeyBuilder Schema::map(std::string name, Schema nested, std::string description) {
  KeyBuilder b = key(std::move(name), ValueKind::map, std::move(description));
  keys_.back().nested = std::make_shared<const Schema>(std::move(nested));
  return b;
}

KeyBuilder Schema::add(KeySpec spec) {
  if (find(spec.name)) throw std::logic_error("schema key '" + spec.name + "' declared twice");
  keys_.push_back(std::move(spec));
  return KeyBuilder(keys_.back());
}

const KeySpec* Schema::find(const std::string& name) const {
  for (const auto& k : keys_)
    if (k.name == name) return &k;
  return nullptr;
}

std::vector<std::string> Schema::key_names() const {
  std::vector<std::string> names;
  for (const auto& k : keys_) names.push_back(k.name);
  return names;
}

std::string Schema::describe(int indent) const {
  std::string out;
  const std::string pad(indent, ' ');
  for (const auto& k : keys_) {
    std::string head = fmt::format("{}{} ({})", pad, k.name, kind_name(k.kind));
    if (k.required)
      head += " required";
    else if (k.default_yaml)
      head += " = " + *k.default_yaml;
    else if (k.kind != ValueKind::map)
      head += " optional";
    out += fmt::format("{:<46} {}", head, k.description);
    if (k.kind != ValueKind::map && k.kind != ValueKind::string && k.kind != ValueKind::boolean)
      out += " [" + k.expectation() + "]";
    if (k.smoke_cap) out += fmt::format(" (--smoke: at most {:g})", *k.smoke_cap);
    out += "\n";
    if (k.nested) out += k.nested->describe(indent + 2);
  }
  return out;
}

namespace {
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}
}  // namespace

std::string nearest_name(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  // A word that extends a candidate ("output" for "out") is a likely slip too.
  for (const auto& c : candidates)
    if (!word.empty() && !c.empty() && (word.rfind(c, 0) == 0 || c.rfind(word, 0) == 0)) return c;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

}  // namespace ff

namespace ff {

namespace {

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20)
          out += fmt::format("\\u{:04x}", c);
        else
          out += c;
    }
  }
  return out + "\"";
}

// A default's YAML text as JSON: strings quoted, numbers, booleans and flow lists as written.
std::string json_default(const KeySpec& spec) {
  const std::string& text = *spec.default_yaml;
  const bool textual = spec.kind == ValueKind::string || spec.kind == ValueKind::choice ||
                       spec.kind == ValueKind::input_file || spec.kind == ValueKind::dataset_file ||
                       spec.kind == ValueKind::output_file;
  if (!textual) return text;
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') return text;
  return json_string(text);
}

std::string json_type(const KeySpec& spec) {
  std::string bounds;
  if (spec.min) bounds += fmt::format(", \"{}\": {}", spec.min_exclusive ? "exclusiveMinimum" : "minimum", *spec.min);
  if (spec.max) bounds += fmt::format(", \"{}\": {}", spec.max_exclusive ? "exclusiveMaximum" : "maximum", *spec.max);
  switch (spec.kind) {
    case ValueKind::boolean:
      return "\"type\": \"boolean\"";
    case ValueKind::integer:
      return "\"type\": \"integer\"" + bounds;
    case ValueKind::number:
      return "\"type\": \"number\"" + bounds;
    case ValueKind::integer_list:
      return "\"type\": \"array\", \"items\": {\"type\": \"integer\"" + bounds + "}";
    case ValueKind::number_list:
      return "\"type\": \"array\", \"items\": {\"type\": \"number\"" + bounds + "}";
    case ValueKind::choice: {
      std::vector<std::string> names;
      for (const auto& c : spec.choices) names.push_back(json_string(c));
      return fmt::format("\"enum\": [{}]", fmt::join(names, ", "));
    }
    case ValueKind::map:
      return "\"type\": \"object\"";
    default:
      return "\"type\": \"string\"";
  }
}

}  // namespace

std::string Schema::json_schema() const {
  std::vector<std::string> properties, required;
  for (const auto& k : keys_) {
    std::string body = json_type(k) + ", \"description\": " + json_string(k.description);
    if (k.default_yaml && !k.required) body += ", \"default\": " + json_default(k);
    if (k.nested)
      body = k.nested->json_schema().substr(1);  // its own object: type, properties, ...
    else
      body += "}";
    if (k.nested) body = "\"description\": " + json_string(k.description) + ", " + body;
    properties.push_back(json_string(k.name) + ": {" + body);
    if (k.required) required.push_back(json_string(k.name));
  }
  return fmt::format(
      "{{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {{{}}}, \"required\": [{}]}}",
      fmt::join(properties, ", "), fmt::join(required, ", "));
}

}  // namespace ff
