// The configuration-error table: every file in tests/data/bad_cases/ is a
// malformed case file whose first line, `# expect: <fragment>`, names what
// the error must say. `fieldforge run` must exit 2, print
// `<file>:<line>:<col>: ...` containing the fragment, and write nothing.
#include "../unit/temp_dir.hpp"
#include "subprocess.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>

namespace {

namespace fs = std::filesystem;
using namespace ff::test;

std::vector<std::string> bad_case_files() {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(fs::path(source_dir()) / "tests/data/bad_cases"))
    if (entry.path().extension() == ".yaml") files.push_back(entry.path().filename().string());
  std::sort(files.begin(), files.end());
  return files;
}

std::string expected_fragment(const fs::path& file) {
  std::ifstream in(file);
  std::string first;
  std::getline(in, first);
  const std::string tag = "# expect: ";
  return first.rfind(tag, 0) == 0 ? first.substr(tag.size()) : "";
}

std::string escape_regex(const std::string& text) {
  return std::regex_replace(text, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)");
}

class BadCase : public ::testing::TestWithParam<std::string> {};

TEST_P(BadCase, ExitsTwoWithLocatedMessageAndWritesNothing) {
  const std::string relative = "tests/data/bad_cases/" + GetParam();
  const std::string fragment = expected_fragment(fs::path(source_dir()) / relative);
  ASSERT_FALSE(fragment.empty()) << relative << " lacks its '# expect:' line";
  TempDir dir;
  const fs::path output = dir / "out";

  for (const char* command : {"validate", "run"}) {
    const auto result = run_command(fieldforge_binary() + " " + command + " " + relative + " output=" + output.string(),
                                    source_dir());
    EXPECT_EQ(result.exit_code, 2) << command << ": " << result.output;
    EXPECT_NE(result.output.find(fragment), std::string::npos)
        << command << ": expected '" << fragment << "' in:\n" << result.output;
    const std::regex located("(^|\n)fieldforge: error: " + escape_regex(relative) + ":[0-9]+:[0-9]+: ");
    EXPECT_TRUE(std::regex_search(result.output, located)) << command << ": no file:line:col in:\n" << result.output;
    EXPECT_FALSE(fs::exists(output)) << command << " wrote " << output;
  }
}

INSTANTIATE_TEST_SUITE_P(ConfigErrors, BadCase, ::testing::ValuesIn(bad_case_files()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param.substr(0, info.param.size() - 5);
                         });

}  // namespace
