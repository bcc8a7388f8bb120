// The contract between the pipeline runner and a stage. A stage is one small
// class in the module that owns its method: a static schema, a constructor
// from the validated config, and run(). The constructor checks constraints
// between keys (throwing InputError, which `validate` reports) and touches no
// files: it also runs when a case is loaded. It is registered in one line in
// apps/stage_registry.cpp; the runner knows nothing else about it.
#pragma once

#include "io/dataset_writer.hpp"
#include "io/schema.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace ff {

// A validated stage config: every schema key present (defaults filled in),
// references resolved, types checked. Accessors take dotted key paths; stages
// read it through their OptionsSchema (io/options.hpp), which names each key once.
class StageConfig {
 public:
  StageConfig();  // an empty map
  StageConfig(const YAML::Node& node, std::filesystem::path stage_dir);
  ~StageConfig();
  StageConfig(const StageConfig& other);
  StageConfig& operator=(const StageConfig& other);

  bool has(const std::string& dotted) const;
  bool boolean(const std::string& dotted) const;
  long integer(const std::string& dotted) const;
  double number(const std::string& dotted) const;
  std::string string(const std::string& dotted) const;
  std::vector<long> integers(const std::string& dotted) const;
  std::vector<double> numbers(const std::string& dotted) const;
  // An output_file key as a path under this stage's output folder.
  std::filesystem::path output_path(const std::string& dotted) const;
  const std::filesystem::path& stage_dir() const { return stage_dir_; }

 private:
  friend const YAML::Node& yaml_node(const StageConfig& config);
  struct Tree;  // the YAML node, kept out of this header
  std::unique_ptr<Tree> tree_;
  std::filesystem::path stage_dir_;
};

// The YAML map behind a config, for io/ itself (hashing, the resolved case).
const YAML::Node& yaml_node(const StageConfig& config);

// What a running stage knows about the run it belongs to.
struct RunContext {
  std::string case_name;
  std::string stage_name;
  std::string stage_type;
  std::string case_yaml;  // the whole resolved case, stored as provenance
  std::filesystem::path stage_dir;
  std::uint64_t seed = 0;
  bool smoke = false;
  bool resume = false;  // continue from the stage's own last checkpoint, where it keeps one

  Provenance provenance() const { return {case_name, stage_name, case_yaml}; }
};

class Stage {
 public:
  virtual ~Stage() = default;
  virtual void run(const RunContext& context) = 0;
};

// How a stage uses the ranks of `mpiexec -n P` (`fieldforge run --dry-run`
// prints it for each stage). A new stage declares one of these and follows
// the pattern in README.md ("Cluster runs"): files are written collectively
// or by rank 0, a failure on one rank is raised on all, long work checkpoints.
enum class Parallelism {
  samples,     // each rank makes its block of the samples; one file, written collectively
  domain,      // the mesh and its solves are distributed over the ranks (PETSc)
  data,        // data-parallel training: each rank takes its block of every batch
  replicated,  // every rank computes all of it (a cheap stage); the file is written once
  root,        // rank 0 does the work while the others wait
};
const char* describe(Parallelism parallelism);

struct StageInfo {
  std::string type;
  std::string summary;
  int version = 1;  // bump when the meaning of a key changes: invalidates cached outputs
  Parallelism parallelism = Parallelism::replicated;
  Schema schema;
  std::function<std::unique_ptr<Stage>(const StageConfig&)> create;
};

class StageRegistry {
 public:
  void add(StageInfo info);
  const StageInfo* find(const std::string& type) const;
  std::vector<std::string> types() const;
  const std::vector<StageInfo>& all() const { return stages_; }

 private:
  std::vector<StageInfo> stages_;
};

// A JSON Schema (draft-07) of case files made of these stages: editors
// complete keys and check values with it (`fieldforge stages --json-schema`).
std::string case_json_schema(const StageRegistry& registry);

// One-line registration of a stage class S with static members `type`,
// `summary`, `version`, `parallelism` and `schema()`.
template <class S>
void register_stage(StageRegistry& registry) {
  registry.add({S::type, S::summary, S::version, S::parallelism, S::schema(),
                [](const StageConfig& config) { return std::make_unique<S>(config); }});
}

}  // namespace ff
