#include "wijksim/scenario/yaml_tree.h"

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "wijksim/scenario/extends.h"

namespace wijksim::loader {

std::string found(const Node& n) {
  switch (n.kind) {
    case Node::Kind::Null:
      // An empty value removes a key a parent gives (docs/model.md 4.8); where none gives it, it stays as
      // the key's value, and a key that takes a value says so.
      return "nothing (an empty value, which removes the key only where a parent file gives it)";
    case Node::Kind::Scalar:
      return fmt::format("'{}'", n.text.size() > 80 ? n.text.substr(0, 77) + "..." : n.text);
    case Node::Kind::List:
      return n.children.empty() ? "an empty list" : "a list";
    case Node::Kind::Map:
      return n.keys.empty() ? "an empty map" : "a map";
  }
  return "?";
}

namespace {

// Limits that keep a hostile or mistaken file (fuzzing, alias bombs) from hanging or exhausting the
// reader. A real scenario is a few kB, a few levels deep, a few hundred values.
constexpr int kMaxDepth = 64;
constexpr std::size_t kMaxValues = 200'000;

// Where a quoted text that starts at `pos` (at its opening quote) ends: the position of the closing
// quote, or npos when it is never closed. In '...' a quote is written '', in "..." as \".
std::size_t closing_quote(std::string_view text, std::size_t pos) {
  const char q = text[pos];
  for (std::size_t i = pos + 1; i < text.size(); ++i) {
    if (q == '"' && text[i] == '\\') {
      ++i;
    } else if (text[i] == q) {
      if (q == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        ++i;
        continue;
      }
      return i;
    }
  }
  return std::string_view::npos;
}

// The position of the first byte of `s` that is not part of valid UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF), or npos when it is all valid. yaml-cpp passes any byte through, and
// such text would later break the JSON report (which must be UTF-8) instead of being refused here.
std::size_t invalid_utf8_at(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    unsigned lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // surrogates U+D800..U+DFFF
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return i;  // a continuation byte alone, 0xC0/0xC1 (overlong) or 0xF5..0xFF
    }
    if (i + len > s.size()) return i;
    for (std::size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

// yaml-cpp's node graph to the located tree. Aliases are expanded (a cyclic alias, `&a [*a]`, stops at
// the depth limit); the number of values is capped so an alias bomb cannot exhaust memory.
// Where each alias of an anchored value is written (`*a`), in the order written, by the value it stands for
// (value_key). yaml-cpp's nodes hold the anchored value itself, so every use carried the anchor's position:
// a mistake in a map reached through `*m` was placed at the `&m` line (outside attack 56).
using AliasUses = std::unordered_map<std::int64_t, std::deque<YAML::Mark>>;

// A value by where it starts and what it is: a block map starts where its first key does.
std::int64_t value_key(const YAML::Mark& m, YAML::NodeType::value type) {
  return static_cast<std::int64_t>(m.pos) * 8 + static_cast<std::int64_t>(type);
}

class TreeBuilder {
 public:
  TreeBuilder(std::string file, std::string_view text, Diags& d, AliasUses uses)
      : file_(std::move(file)), text_(text), d_(d), uses_(std::move(uses)) {}

  // True when the document turned out not to be usable: not YAML after all (see unclosed_quote), or too
  // large or deep to read whole (the tree is cut short, so the schema would only report consequences).
  bool unusable() const { return stopped_; }

  // `path` is the key path of `y` ("" at the top), for diagnostics.
  Node build(const YAML::Node& y, int depth, const Location& fallback, const std::string& path = "") {
    // A value met again is met through an alias: it and all it holds are placed at that alias.
    const Expansion expansion(*this, y);
    return build_met(y, depth, fallback, path);
  }

 private:
  // build, once `y` is known as met (Expansion).
  Node build_met(const YAML::Node& y, int depth, const Location& fallback, const std::string& path) {
    Node n;
    n.where = expansion_ ? *expansion_ : at(y.Mark(), fallback);
    if (stopped_) return n;
    if (++values_ > kMaxValues) {
      d_.add(n.where, path,
             fmt::format("the document has more than {} values (an alias expanding too far?)",
                         count_text(static_cast<double>(kMaxValues))));
      stopped_ = true;
      return n;
    }
    if (depth > kMaxDepth) {
      // The path of a recursive alias is as long as the limit: show its start.
      d_.add(n.where, path.size() > 60 ? path.substr(0, 57) + "..." : path,
             fmt::format("values nested more than {} levels deep (a recursive alias?)", kMaxDepth));
      stopped_ = true;
      return n;
    }
    if (const std::string tag = tag_written(y); !tag.empty())
      say(n.where, path,
          fmt::format("a YAML tag ('{}') is not used by wijksim and would be ignored: remove it", tag));
    switch (y.Type()) {
      case YAML::NodeType::Scalar:
        n.kind = Node::Kind::Scalar;
        n.text = y.Scalar();
        n.quoted = quoted(y);
        unclosed_quote(y);
        if (const std::size_t bad = invalid_utf8_at(n.text); bad != std::string_view::npos)
          say(n.where, path,
              fmt::format(
                  "the text is not valid UTF-8 (byte 0x{:02X} at position {}): save the file as UTF-8",
                  static_cast<unsigned char>(n.text[bad]), bad));
        break;
      case YAML::NodeType::Sequence:
        n.kind = Node::Kind::List;
        for (const auto& item : y)
          n.children.push_back(build(item, depth + 1, n.where, index_path(path, n.children.size())));
        break;
      case YAML::NodeType::Map: {
        n.kind = Node::Kind::Map;
        std::unordered_map<std::string, std::size_t> index;  // key -> position, for duplicates
        for (auto it = y.begin(); it != y.end() && !stopped_; ++it) {
          const Location kw = [&] {
            const Expansion key_alias(*this, it->first);  // a key written as an alias (`*k: 6`)
            const Location where = expansion_ ? *expansion_ : at(it->first.Mark(), n.where);
            // A key that is no plain name is refused below; what it holds is walked for its anchors and
            // aliases all the same (skip).
            if (!it->first.IsScalar()) {
              const bool was = quiet_;
              quiet_ = true;
              (void)build_met(it->first, depth + 1, where, path);
              quiet_ = was;
            }
            return where;
          }();
          if (!it->first.IsScalar()) {
            say(kw, path,
                fmt::format("a key must be a plain name, found {}", it->first.IsMap() ? "a map"
                                                                    : it->first.IsSequence()
                                                                        ? "a list"
                                                                        : "no name (~ or null)"));
            skip(it->second, depth + 1, kw, path);
            continue;
          }
          unclosed_quote(it->first);
          const std::string key = it->first.Scalar();
          if (const std::string tag = tag_written(it->first); !tag.empty())
            say(kw, sub_path(path, key),
                fmt::format("a YAML tag ('{}') on a key is not used by wijksim and would be ignored: remove "
                            "it",
                            tag));
          if (auto prev = index.find(key); prev != index.end()) {
            say(kw, sub_path(path, key),
                fmt::format("duplicate key '{}' (first given at line {})", key,
                            n.key_where[prev->second].line));
            skip(it->second, depth + 1, kw,
                 sub_path(path, key));  // its anchors and aliases are there all the same
            continue;
          }
          // An empty value's own mark points at whatever follows it: place it at its key instead.
          Node v = build(it->second, depth + 1, kw, sub_path(path, key));
          if (v.is(Node::Kind::Null)) v.where = kw;
          index.emplace(key, n.keys.size());
          n.keys.push_back(key);
          n.key_where.push_back(kw);
          n.children.push_back(std::move(v));
        }
        break;
      }
      default:
        break;  // Null, Undefined
    }
    return n;
  }

  // A mistake in a value, said unless the value is walked only for its anchors and aliases (skip).
  void say(const Location& w, const std::string& path, std::string message) {
    if (!quiet_) d_.add(w, path, std::move(message));
  }

  // A value left out (its key is a duplicate, or no plain name) is still walked, without a word of its
  // mistakes: an anchor in it is written there and its aliases are used there, and the positions of aliases
  // are taken in the order written (AliasUses), so that one left out shifted every later alias of its anchor
  // to the one before (outside attack 57). A value too large or too deep still stops the document, said.
  void skip(const YAML::Node& y, int depth, const Location& fallback, const std::string& path) {
    const bool was = quiet_;
    quiet_ = true;
    (void)build(y, depth, fallback, path);
    quiet_ = was;
  }

  // The tag the file wrote on `y` as it wrote it ("!!str", "!custom", "!"), or "" for none. A tag would
  // change how a value is read, and nothing here reads tags: one is refused rather than ignored. yaml-cpp
  // tags an untagged node "?" (plain) or "!" (quoted); a bare "!" written in the file (a non-specific tag:
  // "read it as text") is tagged "!" as well, told from a quote by the character the node starts at.
  std::string tag_written(const YAML::Node& y) const {
    std::string tag = y.Tag();
    if (tag.empty() || tag == "?") return "";
    if (tag == "!") {
      const YAML::Mark m = y.Mark();
      const bool bang = !m.is_null() && m.pos >= 0 && static_cast<std::size_t>(m.pos) < text_.size() &&
                        text_[static_cast<std::size_t>(m.pos)] == '!';
      return bang ? tag : "";
    }
    constexpr std::string_view kCore = "tag:yaml.org,2002:";  // !!x as the file wrote it
    if (tag.starts_with(kCore)) tag = "!!" + tag.substr(kCore.size());
    return tag;
  }

  // A scalar that is not plain: in quotes, a block (`|`, `>`), or an alias (`*a`) of one of those. yaml-cpp
  // tags each "!", as it does a bare "!" tag written in the file (told apart above by its '!'). Block
  // scalars and aliases let "3" through as the number 3 (outside attack 26).
  bool quoted(const YAML::Node& y) const {
    if (y.Tag() != "!") return false;
    const YAML::Mark m = y.Mark();
    if (m.is_null() || m.pos < 0 || static_cast<std::size_t>(m.pos) >= text_.size()) return true;
    return text_[static_cast<std::size_t>(m.pos)] != '!';
  }

  Location at(const YAML::Mark& m, const Location& fallback) const {
    if (m.is_null() || m.line < 0) return fallback;
    return {file_, m.line + 1, m.column + 1};
  }

  // yaml-cpp accepts a quoted text that is never closed, running it to the end of the file: the rest of
  // the file silently becomes one value. Reported here as the syntax error it is.
  void unclosed_quote(const YAML::Node& y) {
    if (stopped_ || y.Tag() != "!") return;  // "!": a quoted (non-plain) scalar
    const YAML::Mark m = y.Mark();
    if (m.is_null() || m.pos < 0 || static_cast<std::size_t>(m.pos) >= text_.size()) return;
    const auto pos = static_cast<std::size_t>(m.pos);
    if (text_[pos] != '"' && text_[pos] != '\'') return;
    if (closing_quote(text_, pos) != std::string_view::npos) return;
    d_.add(
        at(m, {file_, 0, 0}), "",
        fmt::format("YAML syntax error: the quoted text starting here is never closed (no matching {} before "
                    "the end of the file)",
                    text_[pos]));
    stopped_ = true;
  }

  // While a value met through an alias is built (the alias's own position, for it and all it holds).
  class Expansion {
   public:
    Expansion(TreeBuilder& b, const YAML::Node& y) : b_(b) {
      if (b.expansion_ || !y.IsDefined() || y.IsNull()) return;
      const YAML::Mark m = y.Mark();
      if (m.is_null() || m.pos < 0) return;
      const std::int64_t key = value_key(m, y.Type());
      // Only a value with an alias can be met again. Asked first: a block map and a flow map that is its
      // first key start at one place and are both maps, and the key was taken for the map met again
      // (outside attack 58).
      if (b.uses_.find(key) == b.uses_.end()) return;
      if (b.seen_.insert(key).second) return;  // met for the first time: where it is written
      Location where = b.at(m, {b.file_, 0, 0});
      if (auto q = b.uses_.find(key); q != b.uses_.end() && !q->second.empty()) {
        where = b.at(q->second.front(), where);
        q->second.pop_front();
      }
      b.expansion_ = where;
      owner_ = true;
    }
    ~Expansion() {
      if (owner_) b_.expansion_.reset();
    }
    Expansion(const Expansion&) = delete;
    Expansion& operator=(const Expansion&) = delete;

   private:
    TreeBuilder& b_;
    bool owner_ = false;
  };

  std::string file_;
  std::string_view text_;
  Diags& d_;
  AliasUses uses_;
  std::unordered_set<std::int64_t> seen_;  // value_key of each value met
  std::optional<Location> expansion_;
  std::size_t values_ = 0;
  bool stopped_ = false;
  bool quiet_ = false;  // inside skip
};

// Line `line0` (counted from 0) of a text, without its line break.
std::string_view line_of(std::string_view text, int line0) {
  std::size_t start = 0;
  for (int i = 0; i < line0; ++i) {
    start = text.find('\n', start);
    if (start == std::string_view::npos) return {};
    ++start;
  }
  std::size_t end = std::min(text.find('\n', start), text.size());
  std::string_view line = text.substr(start, end - start);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// The innermost '[' or '{' still open at byte `end` of a YAML text, by a rough scan that skips comments
// and quoted texts and ignores brackets inside plain words (`a[1]`).
struct Opener {
  int line0 = 0, col0 = 0;
  char c = 0;
};
std::optional<Opener> open_bracket(std::string_view text, std::size_t end) {
  std::vector<Opener> open;
  int line0 = 0, col0 = 0;
  end = std::min(end, text.size());
  auto token_start = [&](std::size_t i) {
    if (i == 0) return true;
    const char p = text[i - 1];
    return p == ' ' || p == '\t' || p == '\n' || p == '\r' || p == '[' || p == '{' || p == ',' || p == ':';
  };
  for (std::size_t i = 0; i < end; ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line0, col0 = 0;
      continue;
    }
    if (c == '#' && (i == 0 || std::isspace(static_cast<unsigned char>(text[i - 1])))) {
      std::size_t eol = text.find('\n', i);
      if (eol == std::string_view::npos || eol >= end) break;
      col0 += static_cast<int>(eol - i);
      i = eol - 1;
      continue;
    }
    if ((c == '"' || c == '\'') && token_start(i)) {
      std::size_t close = closing_quote(text, i);
      if (close == std::string_view::npos || close >= end) break;
      for (std::size_t k = i; k < close; ++k) {
        if (text[k] == '\n')
          ++line0, col0 = 0;
        else
          ++col0;
      }
      i = close;
      ++col0;
      continue;
    }
    if ((c == '[' || c == '{') && token_start(i)) open.push_back({line0, col0, c});
    if ((c == ']' || c == '}') && !open.empty()) open.pop_back();
    ++col0;
  }
  if (open.empty()) return std::nullopt;
  return open.back();
}

// yaml-cpp's terse messages, with the likely cause a person can act on and, for a bracket that is never
// closed, the place of that bracket rather than the place where the parser gave up.
void syntax_error(const YAML::Exception& e, std::string_view text, const std::string& file, Diags& d) {
  const bool marked = !e.mark.is_null() && e.mark.line >= 0;
  Location w{file, marked ? e.mark.line + 1 : 0, marked ? e.mark.column + 1 : 0};
  const std::string_view line = marked ? line_of(text, e.mark.line) : std::string_view();
  const std::size_t col0 = marked ? static_cast<std::size_t>(std::max(0, e.mark.column)) : 0;
  const std::string& msg = e.msg;
  std::string s = "YAML syntax error: " + msg;
  if (const auto* deep = dynamic_cast<const YAML::DeepRecursion*>(&e)) {
    // yaml-cpp calls this "bad file"
    s = fmt::format("values nested {} levels deep, more than the YAML parser reads (a scenario needs a few)",
                    count_text(deep->depth()));
  } else if (const std::size_t tab = line.find('\t'); tab != std::string_view::npos) {
    s += " (this line contains a tab: YAML indents with spaces only)";
    w.column = static_cast<int>(tab) + 1;  // at the tab, not where the parser gave up after it
  } else if (msg.find("flow not found") != std::string::npos) {
    const std::size_t pos = marked && e.mark.pos >= 0 ? static_cast<std::size_t>(e.mark.pos) : text.size();
    if (auto o = open_bracket(text, pos); o && marked && o->line0 < e.mark.line) {
      w = {file, o->line0 + 1, o->col0 + 1};
      s = fmt::format(
          "YAML syntax error: this '{}' is never closed (the parser reached line {}, column {} without "
          "finding its '{}')",
          o->c, e.mark.line + 1, e.mark.column + 1, o->c == '[' ? ']' : '}');
    } else if (col0 < line.size() && line[col0] == ':') {
      s += " (a ':' inside an unquoted text? put the text in quotes)";
    } else {
      s += " (a '[' or '{' that is never closed?)";
    }
  } else if (msg == "illegal map value") {
    // YAML reads a plain key of at most 1,024 characters; past that, yaml-cpp says only "illegal map value".
    const std::size_t key_start = std::min(line.find_first_not_of(' '), col0);
    if (col0 < line.size() && col0 - key_start > 1024) {
      w.column = static_cast<int>(key_start) + 1;
      s = fmt::format(
          "YAML syntax error: a key of {} characters, and YAML reads a key of at most 1,024 (no key of a "
          "scenario is that long: a text that needs quotes, or a line break left out?)",
          count_text(static_cast<double>(col0 - key_start)));
    } else if (line.substr(0, std::min(col0, line.size())).find(": ") != std::string_view::npos) {
      s += " (a ': ' inside an unquoted text? put the text in quotes)";
    } else {
      s += " (this line is indented further than the line above it, which already has a value: check the "
           "indentation of both)";
    }
  } else if (msg == "end of map not found" || msg == "end of sequence not found") {
    s += " (the indentation of this line does not match the lines above it)";
  } else if (msg.starts_with("invalid unicode: ")) {
    // yaml-cpp gives the escape's number in decimal ("invalid unicode: 55296" for "\uD800"; outside attack
    // 45): said as the code point it is, and why it is none, at the key whose value holds it.
    const unsigned long code = std::strtoul(msg.c_str() + 17, nullptr, 10);
    const std::string why =
        code >= 0xD800 && code <= 0xDFFF
            ? "half of a UTF-16 surrogate pair, no character by itself: write the character itself (the file "
              "is UTF-8), or \\U and its 8 hexadecimal digits"
            : "beyond U+10FFFF, the last character of Unicode";
    s = fmt::format("YAML syntax error: the escape in this quoted text names U+{:04X}, {}", code, why);
    const std::size_t colon = line.find(':');
    if (colon != std::string_view::npos && colon < col0) {
      std::string_view key = line.substr(0, colon);
      key.remove_prefix(std::min(key.find_first_not_of(" -"), key.size()));
      d.add(w, std::string(key), s);
      return;
    }
  }
  d.add(w, "", s);
}

// Parses one file's text; nullopt when it is not a usable YAML document.
// Where each document of a YAML text starts. yaml-cpp 0.7's LoadAll never returns on a ',' where a
// document should start (",", "- a\n,"): the parser reports an empty document without consuming the
// token, again and again. Here a document that starts where the previous one did ends the count, and
// `stuck` says where.
struct DocumentStarts : YAML::EventHandler {
  std::vector<YAML::Mark> starts;
  std::optional<YAML::Mark> stuck;
  // The first value past kMaxValues, counted as written (an alias once): a file that long is refused here,
  // from the events alone, before yaml-cpp builds its nodes (about 1 KB each: a 13 MB file of 1.2 million
  // one-line values took 1.2 GB).
  std::size_t values = 0;
  std::optional<YAML::Mark> too_many;
  // Each anchor's value, and each alias in the order written (AliasUses).
  std::unordered_map<YAML::anchor_t, std::int64_t> anchored;
  std::vector<std::pair<YAML::Mark, YAML::anchor_t>> aliases;

  void count(const YAML::Mark& m) {
    if (++values == kMaxValues + 1) too_many = m;
  }
  void anchor(YAML::anchor_t a, const YAML::Mark& m, YAML::NodeType::value type) {
    if (a != YAML::NullAnchor) anchored[a] = value_key(m, type);
  }
  AliasUses uses() const {
    AliasUses u;
    for (const auto& [m, a] : aliases)
      if (auto it = anchored.find(a); it != anchored.end()) u[it->second].push_back(m);
    return u;
  }
  void OnDocumentStart(const YAML::Mark& m) override {
    if (!starts.empty() && starts.back().pos == m.pos) stuck = m;
    starts.push_back(m);
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { count(m); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t a) override {
    count(m);
    aliases.emplace_back(m, a);
  }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t a, const std::string&) override {
    count(m);
    anchor(a, m, YAML::NodeType::Scalar);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t a,
                       YAML::EmitterStyle::value) override {
    count(m);
    anchor(a, m, YAML::NodeType::Sequence);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t a,
                  YAML::EmitterStyle::value) override {
    count(m);
    anchor(a, m, YAML::NodeType::Map);
  }
  void OnMapEnd() override {}
};

}  // namespace

std::optional<Node> parse_yaml(const std::string& raw, const std::string& file, Diags& d,
                               YamlFile file_kind) {
  const bool targets = file_kind == YamlFile::Targets;
  const char* what = targets ? "a targets file" : "a scenario";
  const char* sections = targets ? "population, targets, free, calibration" : "name, population, domains";
  // YAML takes a lone CR (an old Mac's line ending) as a line break, and yaml-cpp does not: it read such a
  // file as one line ("illegal map value"). As LF, lines are counted as an editor counts them.
  std::string with_lf;
  bool lone_cr = false;
  for (std::size_t i = 0; i < raw.size() && !lone_cr; ++i)
    lone_cr = raw[i] == '\r' && (i + 1 == raw.size() || raw[i + 1] != '\n');
  if (lone_cr) {
    with_lf.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i)
      if (raw[i] != '\r')
        with_lf += raw[i];
      else if (i + 1 == raw.size() || raw[i + 1] != '\n')
        with_lf += '\n';  // a CR of CR LF is left out: its LF follows
  }
  const std::string& text = lone_cr ? with_lf : raw;
  // Bytes that are not text are named for what they are, not quoted in a syntax error.
  if (const std::string kind = binary_kind(text); !kind.empty()) {
    d.add(Location{file, 0, 0}, "",
          fmt::format("this is {}, not YAML text (a scenario or targets file)", kind));
    return std::nullopt;
  }
  auto where = [&](const YAML::Mark& m) {
    return Location{file, m.is_null() ? 0 : m.line + 1, m.is_null() ? 0 : m.column + 1};
  };
  // A line that starts with '%' is a YAML directive (%YAML, %TAG), which belongs before a document's '---'.
  // yaml-cpp takes one after the body as a directive of a next document that never starts, and so dropped
  // such lines without a word ("%fte: 9" at a file's end; outside attack 64), or named the line after it
  // as a second document. Past the file's first line of content, refused at its line.
  {
    int line = 1;
    bool body = false;
    for (std::size_t at = 0; at < text.size(); ++line) {
      const char first = text[at];
      if (first == '%' && body) {
        const std::size_t end = std::min(text.find('\n', at), text.size());
        d.add(Location{file, line, 1}, "",
              fmt::format(
                  "a line starting with '%' is a YAML directive ('{}'), which belongs before the document, "
                  "not in {}: a key starts with a letter; to keep the line as a note, start it with "
                  "'#'",
                  shortened(printable(std::string_view(text).substr(at, end - at), false, true), 40), what));
        return std::nullopt;
      }
      body = body || !(first == '%' || first == '#' || first == ' ' || first == '\t' || first == '\n' ||
                       first == '\r');
      const std::size_t next = text.find('\n', at);
      if (next == std::string::npos) break;
      at = next + 1;
    }
  }
  YAML::Node doc;
  AliasUses alias_uses;
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentStarts docs;
    while (!docs.stuck && parser.HandleNextDocument(docs)) {
    }
    if (docs.stuck) {
      const auto pos = static_cast<std::size_t>(std::max(0, docs.stuck->pos));
      const char c = pos < text.size() ? text[pos] : ' ';
      d.add(where(*docs.stuck), "",
            c == ','
                ? std::string(
                      "YAML syntax error: unexpected ',' (a ',' only separates the items of a [...] list "
                      "or a {...} map)")
                : fmt::format("YAML syntax error: unexpected '{}'", c));
      return std::nullopt;
    }
    if (docs.starts.size() > 1) {
      d.add(where(docs.starts[1]), "",
            fmt::format(
                "the file holds {} YAML documents (separated by '---', or ended by '...'); a scenario or a "
                "targets file is one document",
                docs.starts.size()));
      return std::nullopt;
    }
    if (docs.too_many) {
      d.add(where(*docs.too_many), "",
            fmt::format("the document has more than {} values; a scenario has a few hundred",
                        count_text(static_cast<double>(kMaxValues))));
      return std::nullopt;
    }
    if (!docs.starts.empty()) doc = YAML::Load(text);  // the one document, as nodes
    alias_uses = docs.uses();
  } catch (const YAML::Exception& e) {
    syntax_error(e, text, file, d);
    return std::nullopt;
  }
  Location top{file, 1, 1};
  if (doc.IsNull()) {
    d.add(top, "",
          fmt::format("the file is empty: expected {} (a map of sections such as {})", what, sections));
    return std::nullopt;
  }
  TreeBuilder builder(file, text, d, std::move(alias_uses));
  Node root = builder.build(doc, 0, top);
  if (builder.unusable()) return std::nullopt;
  if (!root.is(Node::Kind::Map)) {
    d.add(root.where, "",
          fmt::format("expected a map of sections ({}, ...) at the top level, found {}{}", sections,
                      found(root),
                      root.is(Node::Kind::Scalar) && root.text.starts_with("set,")
                          ? ": this is a parameter sets file (CSV), which a scenario names with "
                            "'parameter_sets: FILE'"
                          : ""));
    return std::nullopt;
  }
  return root;
}

// The resolved tree as YAML text: maps in block style, lists of numbers and distributions in flow style.
void emit(YAML::Emitter& out, const Node& n) {
  auto all_scalar = [](const Node& x) {
    return std::all_of(x.children.begin(), x.children.end(),
                       [](const Node& c) { return c.is(Node::Kind::Scalar); });
  };
  switch (n.kind) {
    case Node::Kind::Null:
      out << YAML::Null;
      break;
    case Node::Kind::Scalar:
      out << n.text;
      break;
    case Node::Kind::List:
      if (all_scalar(n)) out << YAML::Flow;
      out << YAML::BeginSeq;
      for (const auto& c : n.children) emit(out, c);
      out << YAML::EndSeq;
      break;
    case Node::Kind::Map:
      if (n.get("dist") != nullptr) out << YAML::Flow;
      out << YAML::BeginMap;
      for (std::size_t i = 0; i < n.keys.size(); ++i) {
        out << YAML::Key << n.keys[i] << YAML::Value;
        emit(out, n.children[i]);
      }
      out << YAML::EndMap;
      break;
  }
}

}  // namespace wijksim::loader
