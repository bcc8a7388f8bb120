// Time per LibTorch operator of a piece of work, from LibTorch's legacy
// (RecordFunction) profiler, which the Debian build has (it has no Kineto).
// Self time is an operator's time minus that of the operators it called, so
// the self times of a run add up to the run's time in operators.
#pragma once

#include <functional>
#include <map>
#include <string>

namespace ff::bench {

struct OperatorTime {
  double self_us = 0;
  double total_us = 0;
  long calls = 0;
};

// Runs `work` under the profiler; operators are keyed by name ("aten::bmm").
std::map<std::string, OperatorTime> profile_operators(const std::function<void()>& work);

}  // namespace ff::bench
