#include "core/log.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <memory>

namespace ff {
namespace {
int g_rank = 0;

// "<time> <level> <message>"; ranks other than 0 name themselves after the time.
std::string pattern(const std::string& time, const std::string& level, int rank) {
  return time + (rank == 0 ? "" : " rank " + std::to_string(rank)) + " " + level + " %v";
}

}  // namespace

void init_logging(const LogOptions& options) {
  g_rank = options.rank;
  auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  console->set_level(options.rank == 0 ? options.console_level : spdlog::level::warn);
  console->set_pattern(pattern("[%H:%M:%S]", "%^%l%$", options.rank));
  auto logger = std::make_shared<spdlog::logger>("fieldforge", console);
  logger->set_level(spdlog::level::trace);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  if (!options.file.empty()) add_log_file(options.file);
}

void add_log_file(const std::string& path) {
  auto file = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path, /*truncate=*/true);
  file->set_level(spdlog::level::debug);
  file->set_pattern(pattern("[%Y-%m-%d %H:%M:%S.%e]", "%l", g_rank));
  spdlog::default_logger()->sinks().push_back(file);
}

}  // namespace ff
