#include "io/yaml_guard.hpp"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <sstream>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace ff {
namespace {

using Limits = LoaderLimits;

YAML::Mark mark_at(int line, int column) {
  YAML::Mark mark;
  mark.line = line;
  mark.column = column;
  return mark;
}

// Thrown out of the event handler (which yaml-cpp calls from inside its
// parser) to stop parsing at the first problem.
struct Refusal {
  YamlProblem problem;
};

// Columns count bytes and a leading byte order mark is not counted, as in
// yaml-cpp's marks.
class Position {
 public:
  explicit Position(std::size_t start) : line_start_(start) {}
  void new_line(std::size_t next) {
    ++line_;
    line_start_ = next;
  }
  YAML::Mark at(std::size_t i) const { return mark_at(line_, static_cast<int>(i - line_start_)); }

 private:
  int line_ = 0;
  std::size_t line_start_;
};

bool has_bom(const std::string& text) { return text.compare(0, 3, "\xEF\xBB\xBF") == 0; }

// Length of the UTF-8 sequence starting at text[i] and its code point, or 0
// when it is not valid UTF-8 (overlong forms and surrogates included).
std::size_t utf8_sequence(const std::string& text, std::size_t i, char32_t& code) {
  const auto byte = [&](std::size_t k) { return k < text.size() ? static_cast<unsigned char>(text[k]) : 0u; };
  const unsigned b0 = byte(i);
  std::size_t length = 0;
  unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF)
    length = 2;
  else if (b0 >= 0xE0 && b0 <= 0xEF)
    length = 3, lo = b0 == 0xE0 ? 0xA0 : 0x80, hi = b0 == 0xED ? 0x9F : 0xBF;
  else if (b0 >= 0xF0 && b0 <= 0xF4)
    length = 4, lo = b0 == 0xF0 ? 0x90 : 0x80, hi = b0 == 0xF4 ? 0x8F : 0xBF;
  else
    return 0;
  code = b0 & (0xFF >> (length + 1));
  for (std::size_t k = 1; k < length; ++k) {
    const unsigned b = byte(i + k);
    if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return 0;
    code = (code << 6) | (b & 0x3F);
  }
  return length;
}

// Bytes and lines: plain UTF-8 text, Unix or Windows line ends, spaces for
// indentation.
void check_characters(const std::string& text, std::size_t start) {
  Position pos(start);
  auto refuse = [&](std::size_t i, std::string message) { throw Refusal{{pos.at(i), "", std::move(message), {}}}; };
  bool in_indent = true;
  std::size_t tab = std::string::npos;  // first tab in this line's indentation
  for (std::size_t i = start; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      pos.new_line(i + 1);
      in_indent = true;
      tab = std::string::npos;
      continue;
    }
    if (c == '\r') {
      // yaml-cpp counts lines at '\n' only: every message would say line 1.
      if (i + 1 >= text.size() || text[i + 1] != '\n')
        refuse(i, "carriage return without a line feed (save the file with Unix or Windows line ends)");
      continue;
    }
    if (in_indent) {
      if (c == ' ') continue;
      if (c == '\t') {
        if (tab == std::string::npos) tab = i;
        continue;
      }
      // Tabs before a comment are harmless; before content they are read
      // inconsistently (yaml-cpp takes some as indentation, some not).
      if (tab != std::string::npos && c != '#') refuse(tab, "tab in indentation (YAML indents with spaces)");
      in_indent = false;
    }
    if (c == 0) refuse(i, "NUL byte (expected UTF-8 text)");
    if ((c < 0x20 && c != '\t') || c == 0x7F)
      refuse(i, fmt::format("control character U+{:04X} (expected UTF-8 text)", c));
    if (c < 0x80) continue;
    char32_t code = 0;
    const std::size_t length = utf8_sequence(text, i, code);
    if (length == 0) refuse(i, fmt::format("invalid UTF-8 (byte 0x{:02X}); expected UTF-8 text", c));
    if (code <= 0x9F)
      refuse(i, fmt::format("control character U+{:04X} (expected UTF-8 text)", static_cast<unsigned>(code)));
    if (code == 0xFEFF) refuse(i, "byte order mark inside the text (only allowed as the first character)");
    i += length - 1;
  }
}

// The nesting of flow collections ([...] and {...}), estimated without
// parsing: yaml-cpp reads a whole run of `[[[[...` ahead before its first
// event (about 2.5 microseconds a byte), so the event handler's exact depth
// check alone would come late. Brackets inside quotes and comments do not
// count, nor do those inside plain scalars of block context. Should the
// estimate miss a nesting, the handler still refuses it, only later (the size
// limit bounds how much later).
void check_flow_depth(const std::string& text, std::size_t start) {
  Position pos(start);
  int depth = 0;
  bool token_start = true;  // the next character may begin a token
  for (std::size_t i = start; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      pos.new_line(i + 1);
      token_start = true;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      token_start = true;
    } else if (c == '#' && token_start) {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
    } else if ((c == '\'' || c == '"') && token_start) {
      for (++i; i < text.size(); ++i) {
        // A backslash escape in "..." and '' in '...' skip the next byte.
        const bool skip_next = (c == '"' && text[i] == '\\') ||
                               (c == '\'' && text[i] == '\'' && i + 1 < text.size() && text[i + 1] == '\'');
        if (!skip_next && text[i] == c) break;
        if (skip_next) ++i;
        if (i < text.size() && text[i] == '\n') pos.new_line(i + 1);
      }
      token_start = false;
    } else if ((c == '[' || c == '{') && (token_start || depth > 0)) {
      if (++depth > Limits::max_depth)
        throw Refusal{
            {pos.at(i), "", fmt::format("nested deeper than {} levels of maps and lists", Limits::max_depth), {}}};
      token_start = true;
    } else if (depth > 0 && (c == ']' || c == '}' || c == ',' || c == ':')) {
      if (c == ']' || c == '}') --depth;
      token_start = true;
    } else {
      token_start = false;
    }
  }
}

// The structure, from yaml-cpp's events (each comes with its mark): nesting,
// node count with aliases expanded, keys, documents.
class StructureCheck : public YAML::EventHandler {
 public:
  explicit StructureCheck(YamlSource source) : source_(source) {}
  int documents() const { return documents_; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ > 1)
      refuse(mark, source_ == YamlSource::case_file
                       ? "a second YAML document ('---'); a case file holds exactly one"
                       : "a second YAML document ('---'); the value of an override is one");
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (is_key()) refuse_key(mark, "a key must be a name; this one is empty or null");
    leaf(mark, anchor);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    if (is_key()) {
      Frame& map = frames_.back();
      map.key = value;
      // yaml-cpp keeps `<<` as an ordinary key; the keys it was meant to
      // merge would be silently missing. (A quoted "<<" is a plain string.)
      if (value == "<<" && tag == "?") refuse(mark, "merge keys (<<) are not supported; write the keys out");
      const auto [first, inserted] = map.keys.emplace(value, mark);
      if (!inserted) throw Refusal{{mark, path(), "duplicate key", first->second}};
    }
    leaf(mark, anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (is_key()) refuse_key(mark, "a key must be a name, not an alias");
    if (open_anchors_.count(anchor)) refuse(mark, "an alias inside the node its anchor names (a recursive structure)");
    const auto size = anchor_nodes_.find(anchor);
    // yaml-cpp refuses unknown anchors itself; count 1 if it ever does not.
    add_nodes(mark, size == anchor_nodes_.end() ? 1 : size->second);
    child_done();
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor, false);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, anchor, true);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    bool is_map = false;
    std::size_t children = 0;  // events of complete child nodes: keys and values alternate in a map
    std::string key;           // the map's current key
    std::unordered_map<std::string, YAML::Mark> keys;  // where each key was first given
    YAML::anchor_t anchor = 0;
    std::uint64_t nodes_before = 0;
  };

  [[noreturn]] void refuse(const YAML::Mark& mark, std::string message) const {
    throw Refusal{{mark, path(), std::move(message), {}}};
  }

  // A key that is not a scalar: the path names the map that holds it.
  [[noreturn]] void refuse_key(const YAML::Mark& mark, std::string message) {
    frames_.back().key.clear();
    refuse(mark, std::move(message));
  }

  bool is_key() const { return !frames_.empty() && frames_.back().is_map && frames_.back().children % 2 == 0; }

  // "stages[0].physics.nu": the node being read (for a key: the key itself).
  std::string path() const {
    std::string out;
    for (std::size_t f = 0; f < frames_.size(); ++f) {
      const Frame& frame = frames_[f];
      if (!frame.is_map)
        out += fmt::format("[{}]", frame.children);
      else if (!frame.key.empty())
        out += (out.empty() ? "" : ".") + frame.key;
    }
    return out;
  }

  void add_nodes(const YAML::Mark& mark, std::uint64_t count) {
    nodes_ += count;
    if (nodes_ > Limits::max_nodes)
      refuse(mark, fmt::format("more than {} values, counting each alias as a copy of what its anchor names",
                               Limits::max_nodes));
  }

  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor) {
    add_nodes(mark, 1);
    if (anchor) anchor_nodes_[anchor] = 1;
    child_done();
  }

  void open(const YAML::Mark& mark, YAML::anchor_t anchor, bool is_map) {
    if (is_key()) refuse_key(mark, fmt::format("a key must be a name, not a {}", is_map ? "map" : "list"));
    if (static_cast<int>(frames_.size()) >= Limits::max_depth)
      refuse(mark, fmt::format("nested deeper than {} levels of maps and lists", Limits::max_depth));
    add_nodes(mark, 1);
    Frame frame;
    frame.is_map = is_map;
    frame.anchor = anchor;
    frame.nodes_before = nodes_ - 1;
    if (anchor) open_anchors_.insert(anchor);
    frames_.push_back(std::move(frame));
  }

  void close() {
    const Frame& frame = frames_.back();
    if (frame.anchor) {
      anchor_nodes_[frame.anchor] = nodes_ - frame.nodes_before;
      open_anchors_.erase(frame.anchor);
    }
    frames_.pop_back();
    child_done();
  }

  void child_done() {
    if (!frames_.empty()) ++frames_.back().children;
  }

  YamlSource source_;
  int documents_ = 0;
  std::uint64_t nodes_ = 0;
  std::vector<Frame> frames_;
  std::unordered_map<YAML::anchor_t, std::uint64_t> anchor_nodes_;  // nodes an alias of it stands for
  std::unordered_set<YAML::anchor_t> open_anchors_;                 // anchored collections still being read
};

}  // namespace

std::optional<YamlProblem> check_yaml(const std::string& text, YamlSource source) {
  const char* what = source == YamlSource::case_file ? "the file" : "the value";
  if (text.size() > Limits::max_bytes)
    return YamlProblem{mark_at(0, 0),
                       "",
                       fmt::format("{} is {} bytes, more than the limit of {} ({} KiB)", what, text.size(),
                                   Limits::max_bytes, Limits::max_bytes / 1024),
                       {}};
  const std::size_t start = has_bom(text) ? 3 : 0;  // yaml-cpp skips it; marks do not count it
  StructureCheck structure(source);
  try {
    check_characters(text, start);
    check_flow_depth(text, start);
    std::istringstream in(text);
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(structure)) {
    }
  } catch (const Refusal& refusal) {
    return refusal.problem;
  } catch (const YAML::Exception& e) {
    return YamlProblem{e.mark, "", "YAML syntax error: " + e.msg, {}};
  }
  if (source == YamlSource::case_file && structure.documents() == 0)
    return YamlProblem{
        mark_at(0, 0), "", "the file is empty; a case file is a map with keys case, output, seed, stages", {}};
  return std::nullopt;
}

}  // namespace ff
