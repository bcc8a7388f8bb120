// libFuzzer target for the case-file loader: any byte string must either
// load or raise ff::InputError; a crash, hang, sanitizer report or another
// exception type is a bug. Build and run with tests/fuzz/run.sh.
#include "apps/stage_registry.hpp"
#include "core/error.hpp"
#include "io/case_file.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  // Overrides come from the command line, so they are fuzzed too: the last
  // line, when it contains '=', is applied as one.
  std::vector<std::string> overrides;
  const std::size_t newline = text.rfind('\n');
  if (newline != std::string::npos && text.find('=', newline) != std::string::npos)
    overrides.push_back(text.substr(newline + 1));
  try {
    ff::parse_case(text, "fuzz.yaml", ff::stage_registry(), {overrides, size % 2 == 1, /*check_files=*/false});
  } catch (const ff::InputError&) {
  }
  return 0;
}
