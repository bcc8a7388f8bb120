// Progress of a long loop (samples, epochs, steps): a live line with count,
// rate and ETA on a terminal, periodic log lines when stderr is not a TTY.
#pragma once

#include <chrono>
#include <string>

namespace ff {

class Progress {
 public:
  // `enabled` is false on ranks other than 0, which report nothing.
  Progress(std::string label, long total, bool enabled = true);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void advance(long count = 1);
  void finish();

 private:
  void report(bool final);

  std::string label_;
  long total_;
  long done_ = 0;
  bool enabled_;
  bool tty_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_, last_report_;
};

}  // namespace ff
