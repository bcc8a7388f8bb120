// Typed options: a stage or a model family declares each of its keys once,
// bound to a member of its plain options struct:
//
//   struct Physics { double viscosity = 1e-3; long steps = 10; };
//   OptionsSchema<Physics> physics;
//   physics.key("viscosity", &Physics::viscosity, "kinematic viscosity").greater_than(0);
//   physics.key("steps", &Physics::steps, "time steps").at_least(1).smoke(2);
//
// The declaration is the schema (validation, defaults, `fieldforge stages
// --describe`, the JSON-schema export) and the reader: `read(config)` fills a
// struct from a validated config, so no code after validation names a key
// in a string of its own. A key's default is the member's value in a
// default-constructed struct, written into the schema as YAML text; string
// and path members that default to empty have no default (optional keys).
// `write` and `parse` turn a struct into YAML text and back, the form
// checkpoints carry a model's options in.
#pragma once

#include "io/schema.hpp"
#include "io/stage.hpp"

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ff {

// Scalar and list values by dotted key path, written as a YAML map (io/ keeps yaml-cpp to itself).
class OptionsText {
 public:
  OptionsText();
  ~OptionsText();
  OptionsText(const OptionsText&) = delete;
  OptionsText& operator=(const OptionsText&) = delete;

  void set(const std::string& dotted, const std::string& yaml_scalar_text);  // a YAML scalar or flow list
  std::string str() const;  // block-style YAML, keys in the order they were set

 private:
  struct Tree;
  std::unique_ptr<Tree> tree_;
};

// YAML text of one value, as defaults and descriptions carry it.
std::string yaml_text(bool value);
std::string yaml_text(long value);
inline std::string yaml_text(int value) { return yaml_text(static_cast<long>(value)); }
std::string yaml_text(double value);  // shortest text that reads back to the same double
std::string yaml_text(const std::string& value);
std::string yaml_text(const std::vector<long>& values);
std::string yaml_text(const std::vector<int>& values);
std::string yaml_text(const std::vector<double>& values);

// `value` as an int; InputError naming `key` when it does not fit.
int narrow_to_int(long value, const std::string& key);

// A config built from YAML text by validating it against `schema` (no
// references, no file checks); errors name `origin`. What `parse` reads.
StageConfig config_from_text(const std::string& text, const Schema& schema, const std::string& origin);

template <class Options>
class OptionsSchema {
 public:
  KeyBuilder key(std::string name, bool Options::*member, std::string doc) {
    return bind(std::move(name), ValueKind::boolean, std::move(doc), member, yaml_text(defaults_.*member),
                [](const StageConfig& c, const std::string& k) { return c.boolean(k); });
  }
  KeyBuilder key(std::string name, long Options::*member, std::string doc) {
    return bind(std::move(name), ValueKind::integer, std::move(doc), member, yaml_text(defaults_.*member),
                [](const StageConfig& c, const std::string& k) { return c.integer(k); });
  }
  KeyBuilder key(std::string name, int Options::*member, std::string doc) {
    return bind(std::move(name), ValueKind::integer, std::move(doc), member,
                yaml_text(static_cast<long>(defaults_.*member)),
                [](const StageConfig& c, const std::string& k) { return narrow_to_int(c.integer(k), k); });
  }
  KeyBuilder key(std::string name, double Options::*member, std::string doc) {
    return bind(std::move(name), ValueKind::number, std::move(doc), member, yaml_text(defaults_.*member),
                [](const StageConfig& c, const std::string& k) { return c.number(k); });
  }
  KeyBuilder key(std::string name, std::string Options::*member, std::string doc) {
    return bind(std::move(name), ValueKind::string, std::move(doc), member, optional_text(defaults_.*member),
                [](const StageConfig& c, const std::string& k) { return c.string(k); });
  }
  KeyBuilder key(std::string name, std::vector<int> Options::*member, std::string doc) {
    return bind(std::move(name), ValueKind::integer_list, std::move(doc), member, yaml_text(defaults_.*member),
                [](const StageConfig& c, const std::string& k) {
                  std::vector<int> out;
                  for (long v : c.integers(k)) out.push_back(narrow_to_int(v, k));
                  return out;
                });
  }
  KeyBuilder key(std::string name, std::vector<long> Options::*member, std::string doc) {
    return bind(std::move(name), ValueKind::integer_list, std::move(doc), member, yaml_text(defaults_.*member),
                [](const StageConfig& c, const std::string& k) { return c.integers(k); });
  }
  KeyBuilder key(std::string name, std::vector<double> Options::*member, std::string doc) {
    return bind(std::move(name), ValueKind::number_list, std::move(doc), member, yaml_text(defaults_.*member),
                [](const StageConfig& c, const std::string& k) { return c.numbers(k); });
  }

  // One of a fixed list of names, bound to an enum (or any) member by a table.
  template <class T>
  KeyBuilder choice(std::string name, T Options::*member, std::vector<std::pair<std::string, T>> table,
                    std::string doc) {
    std::vector<std::string> names;
    std::string default_name;
    for (const auto& [n, v] : table) {
      names.push_back(n);
      if (v == defaults_.*member) default_name = n;
    }
    auto to_value = [table](const StageConfig& c, const std::string& k) {
      const std::string n = c.string(k);
      for (const auto& [tn, v] : table)
        if (tn == n) return v;
      return table.front().second;  // unreachable: validation admits the names only
    };
    auto to_name = [table](const T& v) {
      for (const auto& [n, tv] : table)
        if (tv == v) return n;
      return table.front().first;
    };
    add(
        name,
        [member, to_value](const StageConfig& c, const std::string& k, Options& o) {
          if (c.has(k)) o.*member = to_value(c, k);
        },
        [member, to_name](const Options& o, OptionsText& out, const std::string& k) {
          out.set(k, yaml_text(to_name(o.*member)));
        });
    KeyBuilder b = schema_.key(std::move(name), ValueKind::choice, std::move(doc));
    b.choices(std::move(names));
    if (!default_name.empty()) b.def(yaml_text(default_name));
    return b;
  }
  // Choices kept as their name in a string member.
  KeyBuilder choice(std::string name, std::string Options::*member, std::vector<std::string> names, std::string doc) {
    std::vector<std::pair<std::string, std::string>> table;
    for (const auto& n : names) table.emplace_back(n, n);
    return choice<std::string>(std::move(name), member, std::move(table), std::move(doc));
  }

  // A file: input_file and dataset_file as given, output_file under the
  // stage's output folder (its name alone in written text).
  KeyBuilder file(std::string name, std::filesystem::path Options::*member, ValueKind kind, std::string doc) {
    const bool output = kind == ValueKind::output_file;
    add(
        name,
        [member, output](const StageConfig& c, const std::string& k, Options& o) {
          if (c.has(k)) o.*member = output ? c.output_path(k) : std::filesystem::path(c.string(k));
        },
        [member, output](const Options& o, OptionsText& out, const std::string& k) {
          out.set(k, yaml_text((output ? (o.*member).filename() : o.*member).string()));
        });
    KeyBuilder b = schema_.key(std::move(name), kind, std::move(doc));
    if (!(defaults_.*member).empty()) b.def(yaml_text((defaults_.*member).string()));
    return b;
  }

  // A nested map, itself declared by an OptionsSchema.
  template <class Nested>
  void map(std::string name, Nested Options::*member, const OptionsSchema<Nested>& nested, std::string doc) {
    add(
        name,
        [member, nested](const StageConfig& c, const std::string& k, Options& o) {
          nested.read_into(c, k + ".", o.*member);
        },
        [member, nested](const Options& o, OptionsText& out, const std::string& k) {
          nested.write_into(o.*member, out, k + ".");
        });
    schema_.map(std::move(name), nested.schema(), std::move(doc));
  }

  // A map this struct does not hold, read by its owner (a model family's options).
  void map(std::string name, Schema nested, std::string doc) {
    schema_.map(std::move(name), std::move(nested), std::move(doc));
  }

  // The keys of `nested`, bound to the struct `member`, at this level (no map of their own).
  template <class Nested>
  void merge(Nested Options::*member, const OptionsSchema<Nested>& nested) {
    for (const auto& b : nested.binders_)
      add(
          b.name,
          [member, read = b.read](const StageConfig& c, const std::string& k, Options& o) { read(c, k, o.*member); },
          [member, write = b.write](const Options& o, OptionsText& out, const std::string& k) {
            write(o.*member, out, k);
          });
    for (const KeySpec& spec : nested.schema().keys()) schema_.add(spec);
  }

  const Schema& schema() const { return schema_; }

  // The struct of a validated config, or of its map at `prefix` ("model.").
  Options read(const StageConfig& config, const std::string& prefix = "") const {
    Options options;
    read_into(config, prefix, options);
    return options;
  }
  void read_into(const StageConfig& config, const std::string& prefix, Options& options) const {
    for (const auto& b : binders_) b.read(config, prefix + b.name, options);
  }

  // The struct as YAML text, and back (keys missing from `text` keep their
  // defaults, so text written before a key existed still reads).
  std::string write(const Options& options) const {
    OptionsText out;
    write_into(options, out, "");
    return out.str();
  }
  void write_into(const Options& options, OptionsText& out, const std::string& prefix) const {
    for (const auto& b : binders_) b.write(options, out, prefix + b.name);
  }
  Options parse(const std::string& text, const std::string& origin) const {
    return read(config_from_text(text, schema_, origin));
  }

 private:
  template <class>
  friend class OptionsSchema;

  struct Binder {
    std::function<void(const StageConfig&, const std::string&, Options&)> read;
    std::function<void(const Options&, OptionsText&, const std::string&)> write;
    std::string name;
  };

  using Reader = std::function<void(const StageConfig&, const std::string&, Options&)>;
  using Writer = std::function<void(const Options&, OptionsText&, const std::string&)>;
  void add(const std::string& name, Reader read, Writer write) {
    binders_.push_back({std::move(read), std::move(write), name});
  }

  static std::string optional_text(const std::string& value) { return value.empty() ? "" : yaml_text(value); }

  template <class T, class Get>
  KeyBuilder bind(std::string name, ValueKind kind, std::string doc, T Options::*member, const std::string& def,
                  Get get) {
    add(
        name,
        [member, get](const StageConfig& c, const std::string& k, Options& o) {
          if (c.has(k)) o.*member = get(c, k);
        },
        [member](const Options& o, OptionsText& out, const std::string& k) { out.set(k, yaml_text(o.*member)); });
    KeyBuilder b = schema_.key(std::move(name), kind, std::move(doc));
    if (!def.empty()) b.def(def);
    return b;
  }

  Schema schema_;
  std::vector<Binder> binders_;
  inline static const Options defaults_{};
};

}  // namespace ff
