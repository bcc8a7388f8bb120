// Runs a validated case: stage after stage, skipping those whose outputs
// exist and whose resolved-config hash matches the manifest of the last run.
#pragma once

#include "io/case_file.hpp"

namespace ff {

struct RunOptions {
  bool force = false;   // rerun up-to-date stages too
  bool resume = false;  // continue an interrupted run of this case
};

void run_case(const Case& c, const RunOptions& options);

// What `run_case` would do, without doing any of it: per stage, whether it
// would run or is up to date, and how it would use the ranks. Collective.
std::string dry_run_report(const Case& c, const RunOptions& options);

// Name of the manifest a finished stage leaves in its output folder.
constexpr const char* kStageManifest = "stage.yaml";
// The resolved case of the latest run, in the case's output folder.
constexpr const char* kResolvedCase = "resolved_case.yaml";

}  // namespace ff
