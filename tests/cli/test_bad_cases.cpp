// The configuration-error table: every file in tests/data/bad_cases/ is a
// malformed case file whose first line, `# expect: <fragment>`, names what
// the error must say. `fieldforge run` must exit 2, print
// `<file>:<line>:<col>: ...` containing the fragment, write nothing, and
// finish in well under a second (the bound below is generous to stay
// reliable on a loaded machine; what it catches is a hang).
// Hostile files too big to keep in the repository are made by the
// HostileFile tests further down.
#include "../unit/temp_dir.hpp"
#include "subprocess.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
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

constexpr double kSecondsAtMost = 5.0;

// Runs the command and measures its wall time.
CommandResult run_timed(const std::string& command, double& seconds) {
  const auto start = std::chrono::steady_clock::now();
  CommandResult result = run_command(command, source_dir());
  seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

std::string expected_fragment(const fs::path& file) {
  std::ifstream in(file);
  std::string first;
  std::getline(in, first);
  if (first.rfind("\xEF\xBB\xBF", 0) == 0) first.erase(0, 3);  // bom.yaml starts with a byte order mark
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
    double seconds = 0;
    const auto result =
        run_timed(fieldforge_binary() + " " + command + " " + relative + " output=" + output.string(), seconds);
    EXPECT_EQ(result.exit_code, 2) << command << ": " << result.output;
    EXPECT_LT(seconds, kSecondsAtMost) << command << " took " << seconds << " s";
    EXPECT_NE(result.output.find(fragment), std::string::npos) << command << ": expected '" << fragment << "' in:\n"
                                                               << result.output;
    const std::regex located("(^|\n)fieldforge: error: " + escape_regex(relative) + ":[0-9]+:[0-9]+: ");
    EXPECT_TRUE(std::regex_search(result.output, located)) << command << ": no file:line:col in:\n" << result.output;
    EXPECT_FALSE(fs::exists(output)) << command << " wrote " << output;
  }
}

INSTANTIATE_TEST_SUITE_P(ConfigErrors, BadCase, ::testing::ValuesIn(bad_case_files()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param.substr(0, info.param.size() - 5);
                         });

// Hostile case files made on the fly: huge, deep or odd in ways a small file
// in bad_cases/ cannot be.
struct HostileFile {
  std::string name;
  std::string text;
  std::string fragment;  // the error must contain it, after `<file>:<line>:<col>: `
};

std::string repeat(const std::string& piece, std::size_t times) {
  std::string out;
  out.reserve(piece.size() * times);
  for (std::size_t i = 0; i < times; ++i) out += piece;
  return out;
}

const char* kStageHead = "case: hostile\nstages:\n  - name: data\n    type: generate.grf\n";

std::vector<HostileFile> hostile_files() {
  std::string many_stages = "case: hostile\nstages:\n";
  for (int i = 0; i < 300; ++i) many_stages += "  - {name: s" + std::to_string(i) + ", type: generate.grf}\n";
  return {
      {"empty", "", ":1:1: the file is empty"},
      // 100000 levels: yaml-cpp would recurse until its own guard (or the stack) gave out.
      {"flow_lists_100k_deep", "case: hostile\nstages: " + repeat("[", 100000) + repeat("]", 100000) + "\n",
       ":2:73: nested deeper than 64 levels"},
      {"flow_lists_100k_unclosed", "case: hostile\nstages: " + repeat("[", 100000) + "\n",
       ":2:73: nested deeper than 64 levels"},
      {"flow_maps_50k_deep", "case: hostile\nstages: " + repeat("{a: ", 50000) + "1" + repeat("}", 50000) + "\n",
       "nested deeper than 64 levels"},
      {"block_lists_100k_deep", "case: hostile\nstages:\n" + repeat("- ", 100000) + "1\n", ":3:127: stages[0][0][0]"},
      // Quoted closing brackets do not hide the nesting.
      {"quoted_brackets", "case: hostile\nstages: " + repeat("[']', ", 40000) + "\n", "nested deeper than 64 levels"},
      {"too_large", "case: hostile\n" + repeat("# " + std::string(77, 'x') + "\n", 4000),
       ":1:1: the file is more than 262144 bytes (256 KiB), the limit for a case file"},
      {"long_value", std::string(kStageHead) + "    grid: {n: " + std::string(200000, '7') + "}\n",
       "stages[0].grid.n: expected an integer in [4, 4096], got \"7777"},
      // yaml-cpp takes at most 1024 characters as a key.
      {"long_key", std::string(kStageHead) + "    " + std::string(200000, 'k') + ": 1\n",
       ":5:200005: YAML syntax error"},
      {"carriage_returns_only", "case: hostile\rstages:\r  - name: data\r",
       ":1:14: carriage return without a line feed"},
      {"too_many_stages", many_stages, ":3:3: stages: 300 stages, more than the limit of 256"},
  };
}

void PrintTo(const HostileFile& hostile, std::ostream* out) { *out << hostile.name; }

class HostileCase : public ::testing::TestWithParam<HostileFile> {};

TEST_P(HostileCase, RefusedQuicklyWithLocatedMessage) {
  const HostileFile& hostile = GetParam();
  TempDir dir;
  const fs::path file = dir / (hostile.name + ".yaml");
  std::ofstream(file, std::ios::binary) << hostile.text;
  double seconds = 0;
  const auto result = run_timed(fieldforge_binary() + " validate " + file.string(), seconds);
  EXPECT_EQ(result.exit_code, 2) << result.output.substr(0, 2000);
  EXPECT_LT(seconds, kSecondsAtMost);
  const std::regex located("(^|\n)fieldforge: error: " + escape_regex(file.string()) + ":[0-9]+:[0-9]+: ");
  const std::string head = result.output.substr(0, 4000);  // libstdc++'s regex recurses per character
  EXPECT_TRUE(std::regex_search(head, located)) << "no file:line:col in:\n" << head.substr(0, 2000);
  EXPECT_NE(result.output.find(hostile.fragment), std::string::npos) << "expected '" << hostile.fragment << "' in:\n"
                                                                     << result.output.substr(0, 2000);
  EXPECT_LT(result.output.size(), 4000u) << "messages quote long keys and values in full";
}

INSTANTIATE_TEST_SUITE_P(Generated, HostileCase, ::testing::ValuesIn(hostile_files()),
                         [](const ::testing::TestParamInfo<HostileFile>& info) { return info.param.name; });

}  // namespace
