#include "core/progress.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace ff {
namespace {

double seconds_between(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

std::string format_duration(double seconds) {
  const long s = std::lround(seconds);
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, (s / 60) % 60);
}

}  // namespace

Progress::Progress(std::string label, long total, bool enabled)
    : label_(std::move(label)),
      total_(total),
      enabled_(enabled),
      tty_(isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_report_(start_) {}

Progress::~Progress() {
  if (!finished_ && tty_ && enabled_ && done_ > 0) std::fputc('\n', stderr);
}

void Progress::advance(long count) {
  done_ += count;
  const auto now = std::chrono::steady_clock::now();
  // A terminal line is cheap to redraw; a log line every 10 s is enough.
  const double interval = tty_ ? 0.2 : 10.0;
  if (done_ >= total_ || seconds_between(last_report_, now) >= interval) {
    last_report_ = now;
    report(done_ >= total_);
  }
}

void Progress::finish() {
  if (finished_) return;
  report(true);
  finished_ = true;
}

void Progress::report(bool final) {
  if (!enabled_ || (final && finished_)) return;
  const double elapsed = seconds_between(start_, std::chrono::steady_clock::now());
  const double rate = elapsed > 0 ? done_ / elapsed : 0.0;
  const double eta = rate > 0 ? (total_ - done_) / rate : 0.0;
  const std::string line = fmt::format("{}: {}/{} ({:.1f}%) {:.2f}/s, {} {}", label_, done_, total_,
                                       total_ > 0 ? 100.0 * done_ / total_ : 100.0, rate, final ? "took" : "ETA",
                                       format_duration(final ? elapsed : eta));
  if (tty_) {
    std::fprintf(stderr, "\r\033[K%s%s", line.c_str(), final ? "\n" : "");
    std::fflush(stderr);
    if (final) finished_ = true;
  } else {
    spdlog::info("{}", line);
    if (final) finished_ = true;
  }
}

}  // namespace ff
