// Running the `fieldforge` executable from tests, as a user would.
#pragma once

#include <string>

namespace ff::test {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs `command` with /bin/sh in `directory`.
CommandResult run_command(const std::string& command, const std::string& directory);

std::string fieldforge_binary();
std::string source_dir();

}  // namespace ff::test
