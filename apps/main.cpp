// fieldforge: run, validate and inspect scientific-ML pipelines.
//
//   fieldforge run configs/quickstart.yaml
//   fieldforge run case.yaml stages.data.samples.train=10 --smoke
//   mpiexec -n 4 fieldforge run case.yaml -- -ksp_type cg
//   mpiexec -n 4 fieldforge run case.yaml --dry-run
//   fieldforge validate case.yaml
//   fieldforge stages
//   fieldforge info runs/quickstart/data/grf.h5
//   fieldforge xdmf runs/ns2d/nu1e-3/ns2d.h5 --samples 0,3
//
// Exit codes: 0 success, 1 a run that failed, 2 bad input.
#include "apps/pipeline.hpp"
#include "apps/runtime.hpp"
#include "apps/stage_registry.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/parallel.hpp"
#include "io/case_file.hpp"
#include "io/h5_info.hpp"
#include "io/xdmf.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <fieldforge/build_config.hpp>

#include <cstring>
#include <iostream>
#include <optional>

namespace {

std::string version_text() {
  return fmt::format("fieldforge {} (git {})\n{}", FIELDFORGE_VERSION, FIELDFORGE_GIT_SHA, ff::library_versions());
}

std::string stage_manual(const ff::StageInfo& stage) {
  return fmt::format("{}  (version {})\n  {}\n  under mpiexec: {}\n\n{}\n", stage.type, stage.version, stage.summary,
                     ff::describe(stage.parallelism), stage.schema.describe(4));
}

// `fieldforge stages`: every stage's manual, one stage's, or a JSON Schema of
// a whole case file (each stage item selected by its `type`) for editors.
std::string stages_command(const std::string& describe, bool json) {
  const ff::StageRegistry& registry = ff::stage_registry();
  if (json) return ff::case_json_schema(registry) + "\n";
  if (!describe.empty()) {
    const ff::StageInfo* stage = registry.find(describe);
    FF_REQUIRE(stage, ff::InputError, "unknown stage type '{}'; `fieldforge stages` lists them", describe);
    return stage_manual(*stage);
  }
  std::string out;
  for (const auto& stage : registry.all()) out += stage_manual(stage);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  // Everything after "--" goes to PETSc untouched; CLI11 sees the rest.
  std::vector<std::string> petsc_options;
  int cli_argc = argc;
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--") == 0) {
      cli_argc = i;
      petsc_options.assign(argv + i + 1, argv + argc);
      break;
    }

  CLI::App app{"fieldforge: solvers, neural operators and reduced models for PDEs, composed by YAML case files"};
  app.require_subcommand(0, 1);
  bool show_version = false, verbose = false;
  app.add_flag("--version", show_version, "print the version, git sha and library versions");
  app.add_flag("-v,--verbose", verbose, "debug output on the console");

  std::string case_file, h5_file;
  std::vector<std::string> overrides;
  ff::RunOptions run_options;
  bool smoke = false;
  auto* run = app.add_subcommand("run", "validate a case file, then run its stages");
  run->add_option("case", case_file, "case file (YAML)")->required();
  run->add_option("overrides", overrides, "key.path=value overrides, e.g. stages.data.samples.train=10");
  run->add_flag("--force", run_options.force, "rerun stages even when their outputs are up to date");
  run->add_flag("--resume", run_options.resume, "continue an interrupted run of this case");
  run->add_flag("--smoke", smoke, "tiny sizes (each key's smoke cap) into <output>-smoke: checks a case end to end");
  bool dry_run = false;
  run->add_flag("--dry-run", dry_run, "print which stages would run, and how on these ranks, and run nothing");
  run->footer("Arguments after -- are PETSc options, e.g. -- -ksp_type cg -pc_type gamg");

  auto* validate = app.add_subcommand("validate", "check a case file without running it; prints the resolved case");
  validate->add_option("case", case_file, "case file (YAML)")->required();
  validate->add_option("overrides", overrides, "key.path=value overrides");
  validate->add_flag("--smoke", smoke, "validate the --smoke form");

  std::string describe_type;
  bool json_schema = false;
  auto* stages = app.add_subcommand("stages", "list every stage type with its keys, types, defaults and descriptions");
  stages->add_option("--describe", describe_type, "only this stage type, e.g. train.operator");
  stages->add_flag("--json-schema", json_schema, "a JSON Schema of case files instead (for editor completion)");
  auto* info = app.add_subcommand("info", "describe an HDF5 file: groups, shapes, dtypes, attributes, producing case");
  info->add_option("file", h5_file, "HDF5 file")->required();
  std::vector<long> xdmf_samples;
  auto* xdmf = app.add_subcommand("xdmf", "write ParaView sidecars for chosen samples of a dataset file");
  xdmf->add_option("file", h5_file, "fieldforge dataset (HDF5)")->required();
  xdmf->add_option("--samples", xdmf_samples, "sample indices, e.g. --samples 0,3,7 (default: as the stage wrote)")
      ->delimiter(',');

  try {
    app.parse(cli_argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? ff::kExitSuccess : ff::kExitBadInput;
  }

  int code = ff::kExitSuccess;
  std::optional<ff::Runtime> runtime;  // outlives the handlers below, which may need MPI_Abort
  try {
    ff::init_logging({verbose ? spdlog::level::debug : spdlog::level::info, "", 0});
    const ff::LoadOptions load{overrides, smoke, true};
    FF_REQUIRE(petsc_options.empty() || app.got_subcommand("run"), ff::InputError,
               "options after '--' are PETSc options for `fieldforge run`");

    // Only `run` starts MPI (and PETSc): the other commands answer at once.
    if (show_version) {
      std::cout << version_text();
    } else if (app.got_subcommand("stages")) {
      std::cout << stages_command(describe_type, json_schema);
    } else if (app.got_subcommand("info")) {
      std::cout << ff::describe_h5_file(h5_file);
    } else if (app.got_subcommand("xdmf")) {
      const auto written = ff::write_xdmf_sidecars(h5_file, ff::read_dataset_layout(h5_file), xdmf_samples);
      FF_REQUIRE(!written.empty(), ff::InputError, "{}: no field on a 2D/3D grid or mesh, nothing for ParaView",
                 h5_file);
      for (const auto& path : written) std::cout << path.string() << "\n";
    } else if (app.got_subcommand("validate")) {
      const ff::Case c = ff::load_case(case_file, ff::stage_registry(), load);
      std::cout << c.resolved_yaml() << fmt::format("# {}: valid, {} stage(s)\n", case_file, c.stages.size());
    } else if (app.got_subcommand("run")) {
      // Every rank validates the whole case before anything starts.
      const ff::Case c = ff::load_case(case_file, ff::stage_registry(), load);
      runtime.emplace(argc, argv, petsc_options);
      ff::init_logging({verbose ? spdlog::level::debug : spdlog::level::info, "", ff::mpi_rank()});
      if (dry_run) {
        const std::string report = ff::dry_run_report(c, run_options);
        if (ff::mpi_rank() == 0) std::cout << report;
      } else {
        ff::run_case(c, run_options);
      }
    } else {
      std::cout << app.help();
    }
  } catch (const ff::Error& e) {
    // Bad input is seen alike by every rank: rank 0 alone reports it.
    if (ff::mpi_rank() == 0 || e.exit_code() != ff::kExitBadInput) {
      const std::string rank = ff::mpi_size() > 1 ? fmt::format(" (rank {})", ff::mpi_rank()) : "";
      std::cerr << "fieldforge: error" << rank << ": " << e.what() << "\n";
      if (verbose && !e.where().empty()) std::cerr << "  (raised at " << e.where() << ")\n";
    }
    code = e.exit_code();
    ff::Runtime::abort_all(code);
  } catch (const std::exception& e) {
    std::cerr << "fieldforge: error: " << e.what() << "\n";
    code = ff::kExitRunFailed;
    ff::Runtime::abort_all(code);
  }
  return code;
}
