#include "solvers/linear/options_scope.hpp"

#include "core/error.hpp"
#include "solvers/linear/krylov_options.hpp"
#include "solvers/linear/petsc_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

namespace ff::linear {

namespace {

// PETSc compares option names without regard to case.
std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// An entry of a stage's `options` string, under the stage's prefix, and
// whether any solver of the stage has read it yet.
struct ExtraOption {
  std::string value;
  std::string origin;
  bool used = false;
};

// Keyed by the full name ("-data_pc_gamg_threshold"), in the order first seen.
std::vector<std::pair<std::string, ExtraOption>>& extra_options() {
  static std::vector<std::pair<std::string, ExtraOption>> options;
  return options;
}

void record_extra(const std::string& key, const std::string& value, const std::string& origin, bool used) {
  auto& options = extra_options();
  auto found = std::find_if(options.begin(), options.end(), [&](const auto& entry) { return entry.first == key; });
  if (found == options.end())
    options.push_back({key, {value, origin, used}});
  else
    found->second.used = found->second.used || used;
}

std::string with_value(const std::string& key, const std::string& value) {
  return value.empty() ? key : key + " " + value;
}

}  // namespace

std::string options_prefix(const std::string& stage_name) {
  if (stage_name.empty()) return "";
  std::string prefix = stage_name;
  std::replace(prefix.begin(), prefix.end(), '-', '_');
  return prefix + "_";
}

namespace {

// As parse_petsc_options; `strict`: a token before the first name is an
// error, else it is skipped (as PETSc's own parser does).
std::vector<PetscOption> parse(const std::string& text, const std::string& origin, bool strict) {
  std::vector<PetscOption> options;
  std::istringstream in(text);
  for (std::string token; in >> token;) {
    PetscBool name = PETSC_FALSE;
    FF_PETSC(PetscOptionsValidKey(token.c_str(), &name));
    if (name) {
      options.push_back({token.substr(token.compare(0, 2, "--") == 0 ? 2 : 1), ""});
    } else if (!options.empty()) {
      options.back().value += (options.back().value.empty() ? "" : " ") + token;
    } else {
      FF_REQUIRE(!strict, InputError, "{}: '{}' is not a PETSc option name (names start with '-' and a letter)", origin,
                 token);
    }
  }
  return options;
}

}  // namespace

std::vector<PetscOption> parse_petsc_options(const std::string& text, const std::string& origin) {
  return parse(text, origin, true);
}

std::vector<PetscOption> krylov_settings(const KrylovOptions& options) {
  return {{"ksp_type", options.ksp_type},
          {"pc_type", options.pc_type},
          {"ksp_rtol", fmt::format("{}", options.rtol)},
          {"ksp_atol", fmt::format("{}", options.atol)},
          {"ksp_max_it", fmt::format("{}", options.max_it)}};
}

StageOptionsScope::StageOptionsScope(const std::string& prefix, const std::vector<PetscOption>& settings,
                                     const std::string& extra, const std::string& origin)
    : prefix_(prefix), extra_(parse_petsc_options(extra, origin)), origin_(origin) {
  char* all = nullptr;
  FF_PETSC(PetscOptionsGetAll(nullptr, &all));
  const std::string enclosing = all ? all : "";
  PetscFree(all);
  enclosing_ = parse(enclosing, "the PETSc options database", false);

  FF_PETSC(PetscOptionsCreate(options_.out()));
  auto set = [&](const std::string& name, const std::string& value) {
    const std::string key = "-" + name;
    FF_PETSC(PetscOptionsSetValue(options_, key.c_str(), value.empty() ? nullptr : value.c_str()));
  };
  for (const PetscOption& option : settings) set(prefix_ + option.name, option.value);
  for (const PetscOption& option : extra_) set(prefix_ + option.name, option.value);
  if (!prefix_.empty())
    for (const PetscOption& option : enclosing_) set(prefix_ + option.name, option.value);
  for (const PetscOption& option : enclosing_) set(option.name, option.value);
  FF_PETSC(PetscOptionsPush(options_));
}

StageOptionsScope::~StageOptionsScope() {
  // No exceptions out of a destructor: PETSc's error codes are ignored here;
  // the worst outcome is an option reported as unused when it was not.
  auto used = [&](const std::string& name) {
    PetscBool flag = PETSC_FALSE;
    PetscOptionsUsed(options_, name.c_str(), &flag);
    return flag == PETSC_TRUE;
  };
  std::vector<std::string> enclosing_names;
  for (const PetscOption& option : enclosing_) enclosing_names.push_back(lower(option.name));
  auto in_enclosing = [&](const std::string& name) {
    return std::find(enclosing_names.begin(), enclosing_names.end(), lower(name)) != enclosing_names.end();
  };

  // An enclosing option counts as read when its own entry was, or its copy
  // under the prefix was (unless the enclosing database also has that
  // prefixed name, which then took the copy's place).
  std::vector<std::string> read;
  for (const PetscOption& option : enclosing_) {
    const std::string copy = prefix_ + option.name;
    if (used(option.name) || (!prefix_.empty() && !in_enclosing(copy) && used(copy))) read.push_back(option.name);
  }
  // An entry of the stage's `options` string that an enclosing option
  // replaced is the enclosing option's to report.
  for (const PetscOption& option : extra_) {
    const std::string full = prefix_ + option.name;
    if (in_enclosing(full) || (!prefix_.empty() && in_enclosing(option.name))) continue;
    record_extra("-" + full, option.value, origin_, used(full));
  }

  PetscOptionsPop();
  for (const std::string& name : read) {
    PetscBool flag = PETSC_FALSE;
    PetscOptionsHasName(nullptr, nullptr, ("-" + name).c_str(), &flag);  // marks it used
  }
}

std::vector<std::string> unused_petsc_options() {
  std::vector<std::string> lines;
  PetscBool left = PETSC_FALSE, set = PETSC_FALSE;
  FF_PETSC(PetscOptionsGetBool(nullptr, nullptr, "-options_left", &left, &set));
  if (set && !left) return lines;
  if (!set) {  // with -options_left, PetscFinalize lists these itself
    PetscInt n = 0;
    char** names = nullptr;
    char** values = nullptr;
    FF_PETSC(PetscOptionsLeftGet(nullptr, &n, &names, &values));
    for (PetscInt i = 0; i < n; ++i)
      lines.push_back(with_value(std::string("-") + names[i], values[i] ? values[i] : ""));
    FF_PETSC(PetscOptionsLeftRestore(nullptr, &n, &names, &values));
  }
  for (const auto& [key, option] : extra_options())
    if (!option.used) lines.push_back(fmt::format("{} (from {})", with_value(key, option.value), option.origin));
  return lines;
}

}  // namespace ff::linear
