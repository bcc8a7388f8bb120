#include "apps/pipeline.hpp"

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/parallel.hpp"
#include "core/timer.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <ctime>
#include <fstream>
#include <regex>

namespace ff {
namespace fs = std::filesystem;

namespace {

std::string utc_stamp(const char* format) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[40];
  std::strftime(text, sizeof text, format, &tm);
  return text;
}

// Every output_file key of a schema, as paths under the stage folder.
void collect_outputs(const Schema& schema, const StageConfig& config, const std::string& prefix,
                     std::vector<fs::path>& out) {
  for (const KeySpec& key : schema.keys()) {
    const std::string dotted = prefix + key.name;
    if (key.kind == ValueKind::output_file && config.has(dotted)) out.push_back(config.output_path(dotted));
    if (key.kind == ValueKind::map) collect_outputs(*key.nested, config, dotted + ".", out);
  }
}

std::vector<fs::path> stage_outputs(const ResolvedStage& stage) {
  std::vector<fs::path> outputs;
  collect_outputs(stage.info->schema, stage.config, "", outputs);
  return outputs;
}

// The manifest `stage.yaml` a finished stage leaves: YAML of plain scalars,
// read back by its `hash:` line alone.
bool up_to_date(const ResolvedStage& stage) {
  std::ifstream manifest(stage.output_dir / kStageManifest);
  std::string line, hash;
  while (std::getline(manifest, line))
    if (line.rfind("hash: ", 0) == 0) hash = line.substr(6);
  if (hash != stage.hash) return false;  // also: no manifest, or an unreadable one
  for (const auto& output : stage_outputs(stage))
    if (!fs::exists(output)) return false;
  return true;
}

void write_manifest(const ResolvedStage& stage, double seconds) {
  std::string text = fmt::format("stage: {}\ntype: {}\nhash: {}\nfinished_utc: {}\nseconds: {}\noutputs:\n", stage.name,
                                 stage.type, stage.hash, utc_stamp("%Y-%m-%dT%H:%M:%SZ"), seconds);
  for (const auto& output : stage_outputs(stage)) text += "  - " + output.filename().string() + "\n";
  write_file_atomically(stage.output_dir / kStageManifest, text);
}

// Files a killed run was writing (`*.partial`, `*.partial.rankN`): the
// stage rewrites whatever it needs.
void remove_partial_files(const fs::path& dir) {
  static const std::regex partial(R"(.*\.partial(\.rank\d+)?)");
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file() && std::regex_match(entry.path().filename().string(), partial)) {
      spdlog::debug("removing {}, left by an interrupted run", entry.path().string());
      fs::remove(entry.path());
    }
}

}  // namespace

void run_case(const Case& c, const RunOptions& options) {
  const bool root = mpi_rank() == 0;
  FF_REQUIRE(!options.resume || fs::exists(c.output), InputError,
             "{}: --resume, but the output folder {} does not exist (nothing to resume)", c.file, c.output.string());
  // One log file per rank, all named by rank 0's start time: run-T.log for
  // rank 0, run-T.rank-R.log for the others (which also log on the console
  // from warnings up).
  std::string stamp = utc_stamp("%Y%m%dT%H%M%SZ");
  broadcast_from_root(stamp);
  if (root) {
    fs::create_directories(c.output / "logs");
    // The case as it ran, defaults filled in: rerunnable as it stands.
    write_file_atomically(c.output / kResolvedCase, c.resolved_yaml());
  }
  mpi_barrier();
  const std::string log_name =
      root ? fmt::format("run-{}.log", stamp) : fmt::format("run-{}.rank-{}.log", stamp, mpi_rank());
  add_log_file((c.output / "logs" / log_name).string());
  spdlog::info("case '{}' from {}: {} stage(s), output {}, {} rank(s){}", c.name, c.file, c.stages.size(),
               c.output.string(), mpi_size(), c.smoke ? ", smoke test" : "");
  spdlog::debug("resolved case:\n{}", c.resolved_yaml());

  for (std::size_t i = 0; i < c.stages.size(); ++i) {
    const ResolvedStage& stage = c.stages[i];
    const std::string head = fmt::format("[{}/{}] {} ({})", i + 1, c.stages.size(), stage.name, stage.type);
    if (!options.force && all_ranks_ok(up_to_date(stage))) {
      spdlog::info("{}: up to date (hash {}), skipped; --force reruns it", head, stage.hash);
      continue;
    }
    spdlog::info("{}: running (hash {})", head, stage.hash);
    if (root) {
      fs::create_directories(stage.output_dir);
      fs::remove(stage.output_dir / kStageManifest);
      remove_partial_files(stage.output_dir);
    }
    mpi_barrier();

    ScopedTimer timer("stage " + stage.name);
    std::unique_ptr<Stage> runner = stage.info->create(stage.config);
    RunContext context{c.name,           stage.name, stage.type, c.resolved_yaml(),
                       stage.output_dir, c.seed,     c.smoke,    options.resume};
    runner->run(context);
    mpi_barrier();
    if (root) write_manifest(stage, timer.elapsed());
    spdlog::info("{}: done in {:.2f} s", head, timer.elapsed());
  }
  spdlog::info("where the time went:\n{}", timer_report());
}

std::string dry_run_report(const Case& c, const RunOptions& options) {
  std::string text = fmt::format("case '{}' from {}: {} stage(s), output {}, {} rank(s) (dry run: nothing runs)\n",
                                 c.name, c.file, c.stages.size(), c.output.string(), mpi_size());
  for (std::size_t i = 0; i < c.stages.size(); ++i) {
    const ResolvedStage& stage = c.stages[i];
    const bool skip = !options.force && all_ranks_ok(up_to_date(stage));
    const std::string what = skip             ? "up to date, would be skipped"
                             : options.resume ? "would run, continuing from its own checkpoint where it keeps one"
                                              : "would run";
    text += fmt::format("[{}/{}] {} ({}): {}\n      on {} rank(s), {}\n", i + 1, c.stages.size(), stage.name,
                        stage.type, what, mpi_size(), describe(stage.info->parallelism));
  }
  return text;
}

}  // namespace ff
