#include "apps/stage_registry.hpp"
#include "core/error.hpp"
#include "io/case_file.hpp"
#include "io/yaml_guard.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <climits>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

ff::Case parse(const std::string& text, std::vector<std::string> overrides = {}, bool smoke = false) {
  return ff::parse_case(text, "case.yaml", ff::stage_registry(), {std::move(overrides), smoke, true});
}

std::string error_of(const std::string& text, std::vector<std::string> overrides = {}) {
  try {
    parse(text, std::move(overrides));
  } catch (const ff::InputError& e) {
    return e.what();
  }
  return "no error";
}

const char* kTwoStages = R"(
case: demo
seed: 4
stages:
  - name: data
    type: generate.grf
    grid: {n: 32}
  - name: spectrum
    type: analyze.spectrum
    data: ${data.out}
    field: inputs/${data.field}
)";

TEST(CaseFile, FillsDefaultsAndResolvesReferences) {
  const ff::Case c = parse(kTwoStages);
  EXPECT_EQ(c.name, "demo");
  EXPECT_EQ(c.output, "runs/demo");
  EXPECT_EQ(c.seed, 4u);
  ASSERT_EQ(c.stages.size(), 2u);
  const auto& data = c.stages[0].config;
  EXPECT_EQ(data.integer("grid.n"), 32);
  EXPECT_EQ(data.integer("grid.dim"), 2);  // default
  EXPECT_EQ(data.string("dtype"), "float32");
  const auto& spectrum = c.stages[1].config;
  EXPECT_EQ(spectrum.string("data"), "runs/demo/data/grf.h5");
  EXPECT_EQ(spectrum.string("field"), "inputs/a");
  EXPECT_EQ(c.stages[1].depends_on, std::vector<std::string>{"data"});
  EXPECT_EQ(c.stages[1].output_dir, "runs/demo/spectrum");
}

TEST(CaseFile, WholeValueReferencesKeepTheirType) {
  const ff::Case c = parse(R"(
case: typed
stages:
  - name: a
    type: generate.grf
    grid: {n: 24, dim: 1}
  - name: b
    type: generate.grf
    grid:
      n: ${a.grid.n}
      dim: ${a.grid.dim}
)");
  EXPECT_EQ(c.stages[1].config.integer("grid.n"), 24);
  EXPECT_EQ(c.stages[1].config.integer("grid.dim"), 1);
}

TEST(CaseFile, HashesFollowTheResolvedConfig) {
  const ff::Case base = parse(kTwoStages);
  EXPECT_EQ(base.stages[0].hash, parse(kTwoStages).stages[0].hash);
  // A default written out explicitly is the same config.
  EXPECT_EQ(base.stages[0].hash, parse(kTwoStages, {"stages.data.dtype=float32"}).stages[0].hash);
  const ff::Case changed = parse(kTwoStages, {"stages.data.grid.n=16"});
  EXPECT_NE(base.stages[0].hash, changed.stages[0].hash);
  // The downstream stage's own keys are unchanged, but its input is not.
  EXPECT_NE(base.stages[1].hash, changed.stages[1].hash);
  EXPECT_NE(base.stages[0].hash, parse(kTwoStages, {"seed=5"}).stages[0].hash);
}

TEST(CaseFile, OverridesGoThroughValidation) {
  const ff::Case c = parse(kTwoStages, {"stages.data.samples.train=7", "output=elsewhere"});
  EXPECT_EQ(c.stages[0].config.integer("samples.train"), 7);
  EXPECT_EQ(c.output, "elsewhere");
  EXPECT_EQ(c.stages[1].config.string("data"), "elsewhere/data/grf.h5");

  EXPECT_NE(error_of(kTwoStages, {"stages.data.grid.n=abc"})
                .find("command line override 'stages.data.grid.n=abc': stages[0].grid.n: expected an integer"),
            std::string::npos);
  EXPECT_NE(error_of(kTwoStages, {"stages.dta.grid.n=3"}).find("no stage named 'dta' (did you mean 'data'?)"),
            std::string::npos);
  EXPECT_NE(error_of(kTwoStages, {"stages.data.gird.n=3"}).find("stages[0].gird: unknown key (did you mean 'grid'?)"),
            std::string::npos);
  EXPECT_NE(error_of(kTwoStages, {"novalue"}).find("expected key.path=value"), std::string::npos);
}

TEST(CaseFile, SmokeCapsSizesAndMovesTheOutput) {
  const ff::Case c = parse(kTwoStages, {}, /*smoke=*/true);
  EXPECT_EQ(c.output, "runs/demo-smoke");
  EXPECT_EQ(c.stages[0].config.integer("grid.n"), 16);
  EXPECT_EQ(c.stages[0].config.integer("samples.train"), 4);
  EXPECT_EQ(c.stages[0].config.integer("samples.test"), 0);  // below its cap: unchanged
}

TEST(CaseFile, ReportsEveryProblemOfAPhaseAtOnce) {
  const std::string message = error_of(R"(
case: many
stages:
  - name: data
    type: generate.grf
    grid: {dim: 9, n: 2}
    dtype: half
)");
  EXPECT_NE(message.find("case.yaml:6:17: stages[0].grid.dim"), std::string::npos) << message;
  EXPECT_NE(message.find("case.yaml:6:23: stages[0].grid.n"), std::string::npos) << message;
  EXPECT_NE(message.find("case.yaml:7:12: stages[0].dtype"), std::string::npos) << message;
}

// The resolved case stored in every output file is itself a valid case with
// the same stage configs (its references are already paths, so the files
// they name need not exist yet).
TEST(CaseFile, ResolvedYamlParsesBackToTheSameConfigs) {
  const ff::Case c = parse(kTwoStages);
  const ff::Case again = ff::parse_case(c.resolved_yaml(), "resolved.yaml", ff::stage_registry(), {{}, false, false});
  ASSERT_EQ(again.stages.size(), c.stages.size());
  EXPECT_EQ(again.resolved_yaml(), c.resolved_yaml());  // every stage's config, written out
}

// ---- The hardened loader (io/yaml_guard.hpp) ----

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string repeat(const std::string& piece, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += piece;
  return out;
}

// Seconds taken by error_of(text, overrides), and its message.
std::string timed_error_of(const std::string& text, double& seconds, std::vector<std::string> overrides = {}) {
  const auto start = std::chrono::steady_clock::now();
  std::string message = error_of(text, std::move(overrides));
  seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return message;
}

const char* kHead = "case: limits\nstages:\n  - name: data\n    type: generate.grf\n";

TEST(CaseFile, DuplicateKeysNameBothPlaces) {
  const std::string message = error_of(std::string(kHead) + "    covariance:\n      sigma: 1.0\n      sigma: 2.0\n");
  EXPECT_EQ(message, "case.yaml:7:7: stages[0].covariance.sigma: duplicate key (first given at case.yaml:6:7)");
  // In a flow map, at the top level, and as a stage key.
  EXPECT_EQ(error_of(std::string(kHead) + "    grid: {n: 32, dim: 2, n: 16}\n"),
            "case.yaml:5:27: stages[0].grid.n: duplicate key (first given at case.yaml:5:12)");
  EXPECT_EQ(error_of("case: a\nseed: 1\ncase: b\n"),
            "case.yaml:3:1: case: duplicate key (first given at case.yaml:1:1)");
  EXPECT_TRUE(contains(error_of(std::string(kHead) + "    type: generate.grf\n"),
                       "case.yaml:5:5: stages[0].type: duplicate key (first given at case.yaml:4:5)"));
  // Quoting does not make a key different.
  EXPECT_TRUE(contains(error_of("case: a\n\"case\": b\n"), "case.yaml:2:1: case: duplicate key"));
}

TEST(CaseFile, KeysMustBeNames) {
  EXPECT_EQ(error_of(std::string(kHead) + "    ? [grid]\n    : 1\n"),
            "case.yaml:5:7: stages[0]: a key must be a name, not a list");
  EXPECT_EQ(error_of(std::string(kHead) + "    {n: 1}: 1\n"),
            "case.yaml:5:5: stages[0]: a key must be a name, not a map");
  EXPECT_EQ(error_of(std::string(kHead) + "    field: &k grid\n    *k : 1\n"),
            "case.yaml:6:5: stages[0]: a key must be a name, not an alias");
  EXPECT_EQ(error_of("case: a\n~: 1\n"), "case.yaml:2:1: a key must be a name; this one is empty or null");
  EXPECT_EQ(error_of("base: &b {n: 32}\ncase: a\nstages:\n  - name: data\n"
                     "    type: generate.grf\n    grid: {<<: *b}\n"),
            "case.yaml:6:12: stages[0].grid.<<: merge keys (<<) are not supported; write the keys out");
}

TEST(CaseFile, AnchorsAndAliasesWithinTheLimitsStillWork) {
  const ff::Case c = parse(R"(
case: shared
stages:
  - name: a
    type: generate.grf
    grid: &grid {n: 24, dim: 1}
  - name: b
    type: generate.grf
    grid: *grid
)");
  EXPECT_EQ(c.stages[1].config.integer("grid.n"), 24);
  EXPECT_EQ(c.stages[1].config.integer("grid.dim"), 1);
}

TEST(CaseFile, AliasBombInsideAStageIsRefusedQuickly) {
  std::string text = std::string(kHead) + "    covariance:\n      l0: &l0 [a, a, a, a, a, a, a, a, a, a]\n";
  for (int i = 1; i < 10; ++i) {
    const std::string previous = "*l" + std::to_string(i - 1);
    const std::string level = "l" + std::to_string(i);
    text += "      " + level + ": &" + level + " [" + repeat(previous + ", ", 9) + previous + "]\n";
  }
  double seconds = 0;
  const std::string message = timed_error_of(text, seconds);
  EXPECT_TRUE(contains(message, "case.yaml:10:16: stages[0].covariance.l4[0]: ")) << message;
  EXPECT_TRUE(contains(message, "more than 20000 values, counting each alias as a copy")) << message;
  EXPECT_LT(seconds, 1.0);
  // An alias inside the node its anchor names would make a cyclic tree.
  EXPECT_EQ(error_of(std::string(kHead) + "    grid: &g {n: 32, dim: [*g]}\n"),
            "case.yaml:5:28: stages[0].grid.dim[0]: an alias inside the node its anchor names (a recursive structure)");
}

TEST(CaseFile, DeepNestingIsRefusedWithoutRecursion) {
  for (const std::string& nest : {repeat("[", 100000), repeat("{a: ", 50000), "\n" + repeat("- ", 100000) + "x"}) {
    double seconds = 0;
    const std::string message = timed_error_of("case: deep\nstages: " + nest + "\n", seconds);
    EXPECT_TRUE(contains(message, "nested deeper than 64 levels of maps and lists")) << message.substr(0, 300);
    EXPECT_EQ(message.rfind("case.yaml:", 0), 0u) << message.substr(0, 300);
    EXPECT_LT(seconds, 1.0);
  }
  // 64 levels is allowed (the limit is inclusive); the loader then reports the type.
  EXPECT_TRUE(contains(error_of("case: deep\nstages: " + repeat("[", 63) + repeat("]", 63) + "\n"),
                       "stages[0]: expected a map"));
}

TEST(CaseFile, OneDocumentOfUtf8TextWithoutTabsInIndentation) {
  EXPECT_EQ(error_of(""),
            "case.yaml:1:1: the file is empty; a case file is a map with keys case, output, seed, stages");
  EXPECT_EQ(error_of("# nothing\n\n"),
            "case.yaml:1:1: the file is empty; a case file is a map with keys case, output, seed, stages");
  EXPECT_EQ(error_of("case: a\n---\ncase: b\n"),
            "case.yaml:2:1: a second YAML document ('---'); a case file holds exactly one");
  EXPECT_EQ(error_of(std::string("case: a\0b\n", 10)), "case.yaml:1:8: NUL byte (expected UTF-8 text)");
  EXPECT_EQ(error_of("case: caf\xE9\n"), "case.yaml:1:10: invalid UTF-8 (byte 0xE9); expected UTF-8 text");
  EXPECT_EQ(error_of("case: \xC0\xAF\n"),
            "case.yaml:1:7: invalid UTF-8 (byte 0xC0); expected UTF-8 text");  // overlong '/'
  EXPECT_EQ(error_of("case: a\x1b[0m\n"), "case.yaml:1:8: control character U+001B (expected UTF-8 text)");
  EXPECT_EQ(error_of("case: a\rseed: 1\r"),
            "case.yaml:1:8: carriage return without a line feed (save the file with Unix or Windows line ends)");
  EXPECT_EQ(error_of("case: a\nstages:\n\t- name: x\n"),
            "case.yaml:3:1: tab in indentation (YAML indents with spaces)");
  // Windows line ends and a tab inside a value are fine.
  EXPECT_EQ(parse("case: crlf\r\nstages:\r\n  - name: data\r\n    type: generate.grf\r\n    field: \"a\\tb\"\r\n").name,
            "crlf");
}

TEST(CaseFile, ByteOrderMarkIsAcceptedAndLinesStayRight) {
  EXPECT_EQ(parse("\xEF\xBB\xBF" + std::string(kTwoStages)).name, "demo");
  EXPECT_EQ(error_of("\xEF\xBB\xBF" + std::string(kHead) + "    gird: {n: 32}\n"),
            "case.yaml:5:5: stages[0].gird: unknown key (did you mean 'grid'?)");
  EXPECT_TRUE(contains(error_of("\xEF\xBB\xBF"
                                "case: [1]\nstages:\n  - name: data\n    type: generate.grf\n"),
                       "case.yaml:1:7: case: expected a string"));
  EXPECT_TRUE(contains(error_of("case: a\xEF\xBB\xBF\n"), "case.yaml:1:8: byte order mark inside the text"));
}

TEST(CaseFile, NonFiniteAndHugeNumbersAreRefused) {
  const std::pair<const char*, const char*> cases[] = {
      {"    covariance: {sigma: .nan}\n",
       "case.yaml:5:25: stages[0].covariance.sigma: expected a number > 0, got \".nan\""},
      {"    covariance: {sigma: .inf}\n",
       "case.yaml:5:25: stages[0].covariance.sigma: expected a number > 0, got \".inf\""},
      {"    covariance: {tau: -.Inf}\n",
       "case.yaml:5:23: stages[0].covariance.tau: expected a number >= 0, got \"-.Inf\""},
      {"    covariance: {sigma: 1e400}\n",
       "case.yaml:5:25: stages[0].covariance.sigma: expected a number > 0, got \"1e400\""},
      {"    grid: {n: 99999999999999999999}\n",
       "case.yaml:5:15: stages[0].grid.n: expected an integer in [4, 4096], got \"99999999999999999999\""},
      {"    grid: {n: 1e3}\n", "case.yaml:5:15: stages[0].grid.n: expected an integer in [4, 4096], got \"1e3\""},
      {"    samples: {train: .inf}\n",
       "case.yaml:5:22: stages[0].samples.train: expected an integer >= 1, got \".inf\""},
  };
  for (const auto& [key, expected] : cases) EXPECT_EQ(error_of(std::string(kHead) + key), expected);
}

// The largest long an integer key can hold survives as it is (it used to go
// through double, which is undefined behaviour at LONG_MAX).
TEST(CaseFile, IntegersKeepTheirExactValue) {
  const ff::Case c = parse(std::string(kHead) + "    samples: {train: 9223372036854775807}\n");
  EXPECT_EQ(c.stages[0].config.integer("samples.train"), LONG_MAX);
  const ff::Case smoke = parse(std::string(kHead) + "    samples: {train: 9223372036854775807}\n", {}, /*smoke=*/true);
  EXPECT_EQ(smoke.stages[0].config.integer("samples.train"), 4);
}

// Stage names and references are matched without std::regex, whose
// recursion overflowed the stack on values of a few hundred kilobytes.
TEST(CaseFile, LongNamesAndReferencesDoNotOverflowTheStack) {
  const std::string name(200000, 'n');
  EXPECT_EQ(parse("case: long\nstages:\n  - name: " + name + "\n    type: generate.grf\n").stages[0].name, name);
  const std::string message = error_of(std::string(kHead) + "    field: ${data." + std::string(200000, 'f') + "}\n");
  EXPECT_EQ(message.rfind("case.yaml:5:12: stages[0].field: reference ${data.ffff", 0), 0u) << message.substr(0, 200);
  EXPECT_LT(message.size(), 1100u);  // cut to a readable length
}

TEST(CaseFile, ReferenceChainsAndBombsAreBounded) {
  std::string chain = "case: chain\nstages:\n";
  for (int i = 0; i < 30; ++i)
    chain += "  - name: s" + std::to_string(i) + "\n    type: generate.grf\n    field: ${s" + std::to_string(i + 1) +
             ".field}\n";
  chain += "  - name: s30\n    type: generate.grf\n";
  EXPECT_TRUE(contains(error_of(chain),
                       "case.yaml:5:12: stages[0].field: references nested more than 16 deep: s0.field -> s1.field"));

  std::string bomb = "case: bomb\nstages:\n  - name: s0\n    type: generate.grf\n    field: abcdefgh\n";
  for (int i = 1; i <= 40; ++i) {
    const std::string ref = "${s" + std::to_string(i - 1) + ".field}";
    bomb += "  - name: s" + std::to_string(i) + "\n    type: generate.grf\n    field: " + ref + ref + "\n";
  }
  double seconds = 0;
  const std::string message = timed_error_of(bomb, seconds);
  EXPECT_TRUE(contains(message, "references produce more than 262144 bytes of text")) << message;
  EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 0) << "reported once";
  EXPECT_LT(seconds, 1.0);
}

TEST(CaseFile, SizeAndStageCountAreBounded) {
  EXPECT_EQ(error_of("case: big\n" + repeat("# " + std::string(98, 'x') + "\n", 3000)),
            "case.yaml:1:1: the file is 303010 bytes, more than the limit of 262144 (256 KiB)");
  std::string many = "case: many\nstages:\n";
  for (int i = 0; i < 257; ++i) many += "  - {name: s" + std::to_string(i) + ", type: generate.grf}\n";
  EXPECT_EQ(error_of(many), "case.yaml:3:3: stages: 257 stages, more than the limit of 256");
}

TEST(CaseFile, OverridesGoThroughTheSameChecks) {
  const std::pair<std::string, std::string> cases[] = {
      {"stages.data.grid={n: 32, n: 16}",
       "command line override 'stages.data.grid={n: 32, n: 16}': n: duplicate key "
       "(at column 9 of the value, first given at column 2)"},
      {"stages.data.grid={<<: {n: 32}}",
       "<<: merge keys (<<) are not supported; write the keys out (at column 2 of the value)"},
      {"stages.data.grid.n=" + repeat("[", 100000),
       "nested deeper than 64 levels of maps and lists (at column 65 of the value)"},
      {"stages.data.grid.n=[&a [1, *a]]",
       "an alias inside the node its anchor names (a recursive structure) (at column 9 of the value)"},
      {"stages.data.grid={n: 32}\n---\n{n: 16}",
       "a second YAML document ('---'); the value of an override is one (at line 2, column 1 of the value)"},
      {std::string("stages.data.field=a\x01z"),
       "control character U+0001 (expected UTF-8 text) (at column 2 of the value)"},
      {"stages.data.covariance.sigma=.inf", "stages[0].covariance.sigma: expected a number > 0, got \".inf\""},
      {repeat("a.", 70) + "a=1", "the key path is more than 64 keys deep"},
  };
  for (const auto& [override_text, expected] : cases) {
    const std::string message = error_of(kTwoStages, {override_text});
    EXPECT_TRUE(contains(message, expected)) << override_text.substr(0, 80) << "\n" << message.substr(0, 400);
  }
  // An empty value is null, as before.
  EXPECT_EQ(parse(kTwoStages, {"description="}).name, "demo");
}

// Loads `text` as the fuzz target does (tests/fuzz/case_loader_fuzz.cpp: the
// last line, when it holds '=', is an override; odd sizes load with --smoke)
// and fails the test unless it loads or raises InputError within a second.
void replay_fuzz_input(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  std::vector<std::string> overrides;
  const std::size_t newline = text.rfind('\n');
  if (newline != std::string::npos && text.find('=', newline) != std::string::npos)
    overrides.push_back(text.substr(newline + 1));
  const auto start = std::chrono::steady_clock::now();
  try {
    ff::parse_case(text, "fuzz.yaml", ff::stage_registry(), {overrides, text.size() % 2 == 1, /*check_files=*/false});
  } catch (const ff::InputError&) {
  } catch (const std::exception& e) {
    ADD_FAILURE() << file << ": " << typeid(e).name() << ": " << e.what();
  }
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 1.0) << file;
}

std::size_t replay_fuzz_folder(const char* folder) {
  namespace fs = std::filesystem;
  std::size_t count = 0;
  const fs::path dir = fs::path(FIELDFORGE_SOURCE_DIR) / folder;
  if (!fs::exists(dir)) return 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().filename() == "README.md") continue;
    replay_fuzz_input(entry.path());
    ++count;
  }
  return count;
}

// Every input the fuzzer crashed or hung on, once fixed, and its minimized
// corpus.
TEST(CaseFile, FuzzCrashersAndCorpusLoadOrRaiseInputError) {
  EXPECT_GT(replay_fuzz_folder("tests/fuzz/crashers") + replay_fuzz_folder("tests/fuzz/corpus"), 0u);
}

}  // namespace
