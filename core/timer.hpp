// Named timers: every stage and hot kernel runs under a label, and a run ends
// with a table of where the time went.
#pragma once

#include <chrono>
#include <string>

namespace ff {

// Adds `seconds` to the total of `label` (thread-safe).
void record_time(const std::string& label, double seconds);

// Table of labels with call counts and total seconds, largest first.
std::string timer_report();
void reset_timers();

class ScopedTimer {
 public:
  explicit ScopedTimer(std::string label) : label_(std::move(label)), start_(std::chrono::steady_clock::now()) {}
  ~ScopedTimer() { record_time(label_, elapsed()); }
  ScopedTimer(const ScopedTimer&) = delete;
  ScopedTimer& operator=(const ScopedTimer&) = delete;

  double elapsed() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

 private:
  std::string label_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace ff
