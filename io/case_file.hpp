// Loading a case file: parse the YAML, apply command-line overrides, resolve
// ${stage.key} references, validate every stage against its schema and fill
// in defaults, then hash each stage's resolved config. Every problem is an
// InputError whose lines read `file:line:col: key.path: what is wrong`; all
// problems found in one phase are reported together, and nothing is written.
#pragma once

#include "io/stage.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ff {

struct ResolvedStage {
  std::string name;
  std::string type;
  const StageInfo* info = nullptr;
  StageConfig config;                   // validated, defaults filled, references resolved
  std::vector<std::string> depends_on;  // earlier stages whose outputs this one reads
  std::string hash;                     // of type, version, seed, config and upstream hashes
  std::filesystem::path output_dir;     // <case output>/<name>
};

struct Case {
  std::string file;
  std::string name;
  std::string description;
  std::filesystem::path output;
  std::uint64_t seed = 0;
  bool smoke = false;
  std::vector<ResolvedStage> stages;

  // The whole case after overrides, defaults and references, as YAML text.
  std::string resolved_yaml() const;
};

struct LoadOptions {
  std::vector<std::string> overrides;  // "stages.data.samples.train=5", "seed=3"
  bool smoke = false;                  // cap sizes at each key's smoke value; output goes to <output>-smoke
  bool check_files = true;             // check that input files exist and datasets have the right layout
};

Case load_case(const std::filesystem::path& file, const StageRegistry& registry, const LoadOptions& options);

// Same as load_case for text already in memory; `label` names it in messages.
Case parse_case(const std::string& text, const std::string& label, const StageRegistry& registry,
                const LoadOptions& options);

}  // namespace ff
