#include "core/timer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <vector>

namespace ff {
namespace {

struct TimerTotal {
  long calls = 0;
  double seconds = 0.0;
};

std::mutex& timers_mutex() {
  static std::mutex m;
  return m;
}

std::map<std::string, TimerTotal>& timers() {
  static std::map<std::string, TimerTotal> t;
  return t;
}

}  // namespace

void record_time(const std::string& label, double seconds) {
  std::lock_guard<std::mutex> lock(timers_mutex());
  auto& t = timers()[label];
  ++t.calls;
  t.seconds += seconds;
}

std::string timer_report() {
  std::lock_guard<std::mutex> lock(timers_mutex());
  std::vector<std::pair<std::string, TimerTotal>> rows(timers().begin(), timers().end());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second.seconds > b.second.seconds; });
  std::string out = fmt::format("{:<32} {:>8} {:>12}\n", "timer", "calls", "seconds");
  for (const auto& [label, t] : rows) out += fmt::format("{:<32} {:>8} {:>12.4f}\n", label, t.calls, t.seconds);
  return out;
}

void reset_timers() {
  std::lock_guard<std::mutex> lock(timers_mutex());
  timers().clear();
}

}  // namespace ff
