// Checks YAML text from an untrusted source (a case file, a command line
// override's value) before yaml-cpp builds a node tree from it. yaml-cpp
// accepts things a case file must not hold and has no limits of its own that
// fail cleanly, so the loader refuses, each in well under a second and with a
// line and column:
//   - text that is not plain UTF-8: NUL bytes, invalid UTF-8, control
//     characters, a carriage return without a line feed (a UTF-8 byte order
//     mark at the very start is allowed and skipped; line numbers stay right);
//   - tabs in indentation (YAML indents with spaces);
//   - anything beyond the limits below;
//   - a duplicate key in any map (naming both places), a key that is not a
//     scalar (a map, a list, an alias or null), a merge key `<<` (yaml-cpp
//     does not implement merges and would keep `<<` as an ordinary key);
//   - a second document (`---`): a case file is one document.
#pragma once

#include <yaml-cpp/mark.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace ff {

// The loader's limits, in one place. Each is far above what a hand-written
// case needs (the largest example in configs/ is 2 KB, about 150 nodes and 4
// levels deep) and low enough that every input is accepted or refused in well
// under a second: yaml-cpp needs about 1-3 microseconds per byte and about
// 10 microseconds per node to build its tree.
struct LoaderLimits {
  // Bytes of text in a case file or an override value: bounds all parsing
  // time. yaml-cpp reads a whole flow collection ahead before it reports
  // anything, so the parser cannot be stopped earlier on `[[[[...`.
  static constexpr std::size_t max_bytes = 256 * 1024;
  // Nesting of maps and lists: yaml-cpp's parser recurses once per level and
  // its own guard (depth 2000) throws a bare "bad file" or, under sanitizers,
  // overflows the stack first. The loader's validation recurses too.
  static constexpr int max_depth = 64;
  // Nodes after alias expansion: `&a [*b, *b]` doubles per line ("billion
  // laughs"), and the loader walks and copies the expanded tree. Text produced
  // by ${stage.key} references counts too (below).
  static constexpr std::uint64_t max_nodes = 20000;
  // Stages in a case: each is validated against its schema with every
  // default filled in, built once to check its keys together and hashed
  // (about 0.4 ms each in yaml-cpp nodes); real cases have a handful.
  static constexpr std::size_t max_stages = 256;
  // Length of a ${stage.key} chain (a key referring to a key referring to
  // ...): resolution recurses once per link.
  static constexpr int max_reference_depth = 16;
  // Bytes of text ${...} substitution may produce in one case: a key that
  // repeats a reference to a key that repeats a reference ... grows
  // exponentially without copying a single YAML node.
  static constexpr std::size_t max_reference_bytes = max_bytes;
};

// What the text is: a whole case file (exactly one document) or the value of
// a `key=value` override (at most one document; empty means null).
enum class YamlSource { case_file, override_value };

struct YamlProblem {
  YAML::Mark mark;                  // where (0-based line and column, as yaml-cpp's)
  std::string path;                 // key path ("stages[0].physics.nu"), or empty
  std::string message;              // what is wrong
  std::optional<YAML::Mark> first;  // for a duplicate key: where it was first given
};

// The first problem in `text`, or nothing when it is safe to give to
// YAML::Load.
std::optional<YamlProblem> check_yaml(const std::string& text, YamlSource source);

}  // namespace ff
