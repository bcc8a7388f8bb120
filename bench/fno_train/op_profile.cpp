#include "op_profile.hpp"

#include <torch/csrc/autograd/profiler_legacy.h>

#include <vector>

namespace ff::bench {

std::map<std::string, OperatorTime> profile_operators(const std::function<void()>& work) {
  namespace profiler = torch::autograd::profiler;
  profiler::enableProfilerLegacy(torch::profiler::impl::ProfilerConfig(torch::profiler::impl::ProfilerState::CPU));
  work();
  const profiler::thread_event_lists lists = profiler::disableProfilerLegacy();

  // Ranges nest per thread (RecordFunction scopes are LIFO), so a stack of
  // open ranges gives each range its children's time.
  struct Open {
    const profiler::LegacyEvent* push;
    double children_us;
  };
  std::map<std::string, OperatorTime> times;
  for (const auto& events : lists) {
    std::vector<Open> open;
    for (const auto& event : events) {
      if (event.kind() == profiler::EventKind::PushRange) {
        open.push_back({&event, 0.0});
      } else if (event.kind() == profiler::EventKind::PopRange && !open.empty()) {
        const Open range = open.back();
        open.pop_back();
        const double elapsed = range.push->cpuElapsedUs(event);
        OperatorTime& t = times[range.push->name()];
        t.self_us += elapsed - range.children_us;
        t.total_us += elapsed;
        ++t.calls;
        if (!open.empty()) open.back().children_us += elapsed;
      }
    }
  }
  return times;
}

}  // namespace ff::bench
