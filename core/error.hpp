// One error path for the whole code base: every failure is a ff::Error that
// says what went wrong in terms the user can act on, and carries the exit code
// the CLI returns for it (2 for bad input, 1 for a run that failed).
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace ff {

enum ExitCode : int { kExitSuccess = 0, kExitRunFailed = 1, kExitBadInput = 2 };

class Error : public std::runtime_error {
 public:
  Error(std::string message, std::string where = {})
      : std::runtime_error(std::move(message)), where_(std::move(where)) {}
  virtual int exit_code() const { return kExitRunFailed; }
  // Source location that raised the error ("io/h5.cpp:42"), for debug logs.
  const std::string& where() const { return where_; }

 private:
  std::string where_;
};

// The input (case file, override, data file) is wrong; nothing was written.
class InputError : public Error {
 public:
  using Error::Error;
  int exit_code() const override { return kExitBadInput; }
};

// The input was valid but the run failed (blow-up, I/O failure, library error).
class RunError : public Error {
 public:
  using Error::Error;
};

namespace detail {
inline std::string source_location(const char* file, int line) { return fmt::format("{}:{}", file, line); }
}  // namespace detail

}  // namespace ff

// FF_REQUIRE(cond, ErrorType, "format {}", args...) throws ErrorType with the
// formatted message and the source location when cond is false.
#define FF_REQUIRE(cond, ErrorType, ...)                                                                       \
  do {                                                                                                         \
    if (!(cond)) throw ErrorType(fmt::format(__VA_ARGS__), ::ff::detail::source_location(__FILE__, __LINE__)); \
  } while (false)
