// Logging setup: console plus one log file per run and rank. Under MPI only
// rank 0 writes to the console below warnings; every rank keeps its own file.
#pragma once

#include <spdlog/spdlog.h>

#include <string>

namespace ff {

struct LogOptions {
  spdlog::level::level_enum console_level = spdlog::level::info;
  std::string file;  // empty: no log file
  int rank = 0;
};

void init_logging(const LogOptions& options);

// Adds a log file sink after start-up (the run's output folder is only known
// once the case file has been validated).
void add_log_file(const std::string& path);

}  // namespace ff
