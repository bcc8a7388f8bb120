#include "subprocess.hpp"

#include <sys/wait.h>

#include <array>
#include <cstdio>

namespace ff::test {

CommandResult run_command(const std::string& command, const std::string& directory) {
  CommandResult result;
  const std::string full = "cd '" + directory + "' && " + command + " 2>&1";
  FILE* pipe = popen(full.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe)) result.output += buffer.data();
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string fieldforge_binary() { return FIELDFORGE_BINARY; }
std::string source_dir() { return FIELDFORGE_SOURCE_DIR; }

}  // namespace ff::test
