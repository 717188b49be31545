// Scenario files (see scenario_loader.h for the three stages and scenarios/README.md for the format).
#include "wijksim/scenario/scenario_loader.h"

#include "wijksim/core/units.h"
#include "wijksim/model/run_size.h"

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <unordered_map>

namespace wijksim {
namespace {

namespace fs = std::filesystem;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kShareTolerance = 1e-6;
// Limits that keep a hostile or mistaken file (fuzzing, `extends: /dev/zero`, alias bombs) from hanging
// or exhausting the loader. A real scenario is a few kB, a few levels deep, a few hundred values.
constexpr int kMaxDepth = 64;
constexpr std::size_t kMaxValues = 200'000;
constexpr std::uintmax_t kMaxFileBytes = 16u << 20;
constexpr std::size_t kMaxExtends = 32;
constexpr std::size_t kMaxDiagnostics = 100;
// Upper bound on values converted to int or to cents, so a conversion can never overflow; bounds at or
// above this are not shown in messages ("a whole number >= 0").
constexpr double kHuge = 1e9;

// ---------------------------------------------------------------------------------------------------
// Small helpers

// 12345678 -> "12,345,678"; non-integers and huge values in fmt's shortest form.
std::string count_text(double v) {
  if (!(std::fabs(v) < 1e18) || v != std::floor(v)) return fmt::format("{}", v);
  std::string digits = fmt::format("{}", static_cast<long long>(std::fabs(v)));
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return v < 0 ? "-" + out : out;
}

// Optimal string alignment distance (Levenshtein plus adjacent transpositions), for "did you mean".
// Case and '-' versus '_' do not count as differences.
int edit_distance(std::string_view a, std::string_view b) {
  auto norm = [](char c) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return c == '-' ? '_' : c;
  };
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= n; ++i)
    for (std::size_t j = 1; j <= m; ++j) {
      int cost = norm(a[i - 1]) == norm(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && norm(a[i - 1]) == norm(b[j - 2]) && norm(a[i - 2]) == norm(b[j - 1]))
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[n][m];
}

// A candidate close enough to `word` to be a likely typo: at most 2 edits (fewer than its length), or
// at most a third of its length.
bool close_enough(int d, std::size_t a, std::size_t b) {
  const int len = static_cast<int>(std::max(a, b));
  return (d <= 2 && d < len) || d * 3 <= len;
}

// The closest candidate if it is close enough to be a likely typo, else "".
std::string suggest(std::string_view word, const std::vector<std::string>& candidates) {
  constexpr std::size_t kLongest = 200;  // longer is not a typo; keeps the quadratic distance cheap
  if (word.size() > kLongest) return "";
  std::string best;
  int best_d = std::numeric_limits<int>::max();
  for (const auto& c : candidates) {
    // The distance is at least the difference in length: skip candidates that cannot be close enough.
    const std::size_t diff = c.size() > word.size() ? c.size() - word.size() : word.size() - c.size();
    if (c.size() > kLongest || !close_enough(static_cast<int>(diff), word.size(), c.size())) continue;
    int d = edit_distance(word, c);
    if (d < best_d) best_d = d, best = c;
  }
  if (best_d == std::numeric_limits<int>::max()) return "";
  return close_enough(best_d, word.size(), best.size()) ? best : "";
}

// "a payer", "an agency".
std::string with_article(std::string_view noun) {
  const bool vowel = !noun.empty() && std::string_view("aeiou").find(noun.front()) != std::string_view::npos;
  return fmt::format("{} {}", vowel ? "an" : "a", noun);
}

std::string join(const std::vector<std::string>& v, std::string_view sep = ", ") {
  std::string s;
  for (const auto& x : v) {
    if (!s.empty()) s += sep;
    s += x;
  }
  return s;
}

// "unknown payer 'muncipality'; did you mean 'municipality'?" or "...; known payers: a, b".
std::string unknown_name(std::string_view what, std::string_view name, const std::vector<std::string>& known,
                         std::string_view known_label) {
  std::string s = fmt::format("unknown {} '{}'", what, name);
  if (std::string near = suggest(name, known); !near.empty())
    return s + fmt::format("; did you mean '{}'?", near);
  if (known.empty()) return s;
  return s + fmt::format("; {}: {}", known_label, join(known));
}

std::string sub_path(const std::string& base, std::string_view key) {
  return base.empty() ? std::string(key) : base + "." + std::string(key);
}
std::string index_path(const std::string& base, std::size_t i) {
  return fmt::format("{}[{}]", base, i);
}

bool parse_double(std::string_view s, double& v) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size();
}

bool valid_name(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

std::uint64_t fnv1a64(std::string_view s) {
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a 64: offset basis and prime (Fowler, Noll, Vo)
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// ---------------------------------------------------------------------------------------------------
// Stage 1: the located tree

struct Node {
  enum class Kind { Null, Scalar, List, Map };
  Kind kind = Kind::Null;
  std::string text;               // Scalar
  std::vector<Node> children;     // List items, or Map values (parallel to keys)
  std::vector<std::string> keys;  // Map keys, in document order
  std::vector<Location> key_where;
  Location where;

  bool is(Kind k) const { return kind == k; }
  int find(std::string_view k) const {
    for (std::size_t i = 0; i < keys.size(); ++i)
      if (keys[i] == k) return static_cast<int>(i);
    return -1;
  }
  const Node* get(std::string_view k) const {
    int i = find(k);
    return i < 0 ? nullptr : &children[static_cast<std::size_t>(i)];
  }
  Node* get(std::string_view k) {
    int i = find(k);
    return i < 0 ? nullptr : &children[static_cast<std::size_t>(i)];
  }
  void erase(std::size_t i) {
    keys.erase(keys.begin() + static_cast<std::ptrdiff_t>(i));
    key_where.erase(key_where.begin() + static_cast<std::ptrdiff_t>(i));
    children.erase(children.begin() + static_cast<std::ptrdiff_t>(i));
  }
};

// How a value is named in "found ...".
std::string found(const Node& n) {
  switch (n.kind) {
    case Node::Kind::Null:
      return "nothing (an empty value)";
    case Node::Kind::Scalar:
      return fmt::format("'{}'", n.text.size() > 80 ? n.text.substr(0, 77) + "..." : n.text);
    case Node::Kind::List:
      return "a list";
    case Node::Kind::Map:
      return "a map";
  }
  return "?";
}

class Diags {
 public:
  void add(const Location& w, std::string key, std::string msg) {
    list_.push_back({w, std::move(key), std::move(msg)});
  }
  bool empty() const { return list_.empty(); }
  std::size_t size() const { return list_.size(); }
  // In file order (the file the user named first), duplicates removed, at most kMaxDiagnostics (a file
  // that is not a scenario at all would otherwise bury the user, and the loader, in messages).
  std::vector<Diagnostic> sorted(const std::string& root_file) && {
    auto where = [&](const Diagnostic& d) {
      return std::make_tuple(d.where.file != root_file, std::cref(d.where.file), d.where.line,
                             d.where.column);
    };
    std::stable_sort(list_.begin(), list_.end(),
                     [&](const Diagnostic& a, const Diagnostic& b) { return where(a) < where(b); });
    std::vector<Diagnostic> out;
    std::set<std::tuple<std::string, int, int, std::string, std::string>> seen;
    std::size_t more = 0;
    for (auto& d : list_) {
      if (!seen.emplace(d.where.file, d.where.line, d.where.column, d.key, d.message).second) continue;
      if (out.size() < kMaxDiagnostics)
        out.push_back(std::move(d));
      else
        ++more;
    }
    if (more > 0)
      out.push_back({out.back().where, "",
                     fmt::format("{} more problem(s) not shown; fix the ones above first",
                                 count_text(static_cast<double>(more)))});
    return out;
  }

 private:
  std::vector<Diagnostic> list_;
};

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

// yaml-cpp's node graph to the located tree. Aliases are expanded (a cyclic alias, `&a [*a]`, stops at
// the depth limit); the number of values is capped so an alias bomb cannot exhaust memory.
class TreeBuilder {
 public:
  TreeBuilder(std::string file, std::string_view text, Diags& d)
      : file_(std::move(file)), text_(text), d_(d) {}

  // True when the document turned out not to be usable: not YAML after all (see unclosed_quote), or too
  // large or deep to read whole (the tree is cut short, so the schema would only report consequences).
  bool unusable() const { return stopped_; }

  // `path` is the key path of `y` ("" at the top), for diagnostics.
  Node build(const YAML::Node& y, int depth, const Location& fallback, const std::string& path = "") {
    Node n;
    n.where = at(y.Mark(), fallback);
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
    switch (y.Type()) {
      case YAML::NodeType::Scalar:
        n.kind = Node::Kind::Scalar;
        n.text = y.Scalar();
        unclosed_quote(y);
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
          Location kw = at(it->first.Mark(), n.where);
          if (!it->first.IsScalar()) {
            d_.add(
                kw, path,
                fmt::format("a key must be a plain name, found {}", it->first.IsMap() ? "a map" : "a list"));
            continue;
          }
          unclosed_quote(it->first);
          const std::string key = it->first.Scalar();
          if (auto prev = index.find(key); prev != index.end()) {
            d_.add(kw, sub_path(path, key),
                   fmt::format("duplicate key '{}' (first given at line {})", key,
                               n.key_where[prev->second].line));
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

 private:
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

  std::string file_;
  std::string_view text_;
  Diags& d_;
  std::size_t values_ = 0;
  bool stopped_ = false;
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
  } else if (line.find('\t') != std::string_view::npos) {
    s += " (this line contains a tab: YAML indents with spaces only)";
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
    if (line.substr(0, std::min(col0, line.size())).find(": ") != std::string_view::npos)
      s += " (a ': ' inside an unquoted text? put the text in quotes)";
    else
      s += " (this line is indented further than the line above it, which already has a value: check the "
           "indentation of both)";
  } else if (msg == "end of map not found" || msg == "end of sequence not found") {
    s += " (the indentation of this line does not match the lines above it)";
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

  void OnDocumentStart(const YAML::Mark& m) override {
    if (!starts.empty() && starts.back().pos == m.pos) stuck = m;
    starts.push_back(m);
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
  }
  void OnMapEnd() override {}
};

std::optional<Node> parse_yaml(const std::string& text, const std::string& file, Diags& d) {
  auto where = [&](const YAML::Mark& m) {
    return Location{file, m.is_null() ? 0 : m.line + 1, m.is_null() ? 0 : m.column + 1};
  };
  YAML::Node doc;
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
            fmt::format("the file holds {} YAML documents (separated by '---'); a scenario is one document",
                        docs.starts.size()));
      return std::nullopt;
    }
    if (!docs.starts.empty()) doc = YAML::Load(text);  // the one document, as nodes
  } catch (const YAML::Exception& e) {
    syntax_error(e, text, file, d);
    return std::nullopt;
  }
  Location top{file, 1, 1};
  if (doc.IsNull()) {
    d.add(top, "",
          "the file is empty: expected a scenario (a map of sections such as name, population, domains)");
    return std::nullopt;
  }
  TreeBuilder builder(file, text, d);
  Node root = builder.build(doc, 0, top);
  if (builder.unusable()) return std::nullopt;
  if (!root.is(Node::Kind::Map)) {
    d.add(root.where, "",
          fmt::format("expected a map of sections (name, population, domains, ...) at the top "
                      "level, found {}",
                      found(root)));
    return std::nullopt;
  }
  return root;
}

// Reads a whole file, refusing what cannot be a scenario (directories, devices, huge files).
bool read_file(const fs::path& p, std::string& out, std::string& why) {
  std::error_code ec;
  auto st = fs::status(p, ec);
  if (ec || !fs::exists(st)) {
    why = "no such file";
    return false;
  }
  if (!fs::is_regular_file(st)) {
    why = "not a regular file";
    return false;
  }
  auto size = fs::file_size(p, ec);
  if (!ec && size > kMaxFileBytes) {
    why = fmt::format("the file is {}; a scenario is a few kB (limit {})",
                      format_bytes(static_cast<double>(size)),
                      format_bytes(static_cast<double>(kMaxFileBytes)));
    return false;
  }
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    why = std::error_code(errno, std::generic_category()).message();
    return false;
  }
  std::string s;
  s.resize(kMaxFileBytes + 1);
  in.read(s.data(), static_cast<std::streamsize>(s.size()));
  s.resize(static_cast<std::size_t>(in.gcount()));
  if (s.size() > kMaxFileBytes) {
    why = fmt::format("the file is larger than {}", format_bytes(static_cast<double>(kMaxFileBytes)));
    return false;
  }
  out = std::move(s);
  return true;
}

fs::path identity(const fs::path& p) {
  std::error_code ec;
  fs::path a = fs::absolute(p, ec);
  return (ec ? p : a).lexically_normal();
}

// Keys that replace each other when an extending file sets one of them (so an override of `capacity`
// removes an inherited `capacity_per_1000_households`, and `{mean, sd}` replaces an inherited
// `{shape, scale}` inside a distribution).
const std::vector<std::vector<std::vector<std::string>>>& alternative_groups() {
  static const std::vector<std::vector<std::vector<std::string>>> groups = {
      {{"capacity"}, {"capacity_per_1000_households"}},
      {{"shape", "scale"}, {"mean", "sd"}},
      {{"alpha", "beta"}, {"mean", "sd"}},
      {{"meanlog", "sdlog"}, {"mean", "sd"}},
  };
  return groups;
}

// Stage 2: `over` (the extending file) merged onto `base` (its parent). Maps merge key by key; lists and
// scalars replace; a map with `dist` replaces (a new distribution); an empty value removes the key.
void merge_into(Node& base, Node&& over) {
  base.where = over.where;
  const bool dist_map = base.get("dist") != nullptr;
  for (std::size_t i = 0; i < over.keys.size(); ++i) {
    const std::string& key = over.keys[i];
    Node& v = over.children[i];
    for (const auto& group : alternative_groups()) {
      if (group[0][0] != "capacity" && !dist_map) continue;
      for (const auto& side : group) {
        if (std::find(side.begin(), side.end(), key) == side.end()) continue;
        for (const auto& other : group) {
          if (&other == &side) continue;
          for (const auto& k : other)
            if (int j = base.find(k); j >= 0 && k != key) base.erase(static_cast<std::size_t>(j));
        }
      }
    }
    int j = base.find(key);
    if (v.is(Node::Kind::Null) && j >= 0) {
      base.erase(static_cast<std::size_t>(j));
      continue;
    }
    if (j < 0) {
      base.keys.push_back(key);
      base.key_where.push_back(over.key_where[i]);
      base.children.push_back(std::move(v));
      continue;
    }
    Node& b = base.children[static_cast<std::size_t>(j)];
    if (b.is(Node::Kind::Map) && v.is(Node::Kind::Map) && v.get("dist") == nullptr)
      merge_into(b, std::move(v));
    else
      b = std::move(v);
    base.key_where[static_cast<std::size_t>(j)] = over.key_where[i];
  }
}

// Resolves `extends` chains and rewrites `comparator` to a path relative to the root file's directory.
class Resolver {
 public:
  Resolver(Diags& d, const std::string& root_file) : d_(d), root_dir_(identity(root_file).parent_path()) {}

  std::optional<Node> resolve(const std::string& text, const std::string& file) {
    chain_.clear();
    return resolve_file(text, file);
  }

 private:
  std::string shown(const fs::path& id) const {
    fs::path rel = id.lexically_relative(root_dir_);
    return rel.empty() ? id.string() : rel.string();
  }

  std::optional<Node> resolve_file(const std::string& text, const std::string& file) {
    chain_.push_back(identity(file));
    std::optional<Node> root = parse_yaml(text, file, d_);
    if (!root) return std::nullopt;
    const fs::path dir = fs::path(file).parent_path();
    if (Node* c = root->get("comparator"); c && c->is(Node::Kind::Scalar) && !c->text.empty()) {
      fs::path rel = identity(dir / c->text).lexically_relative(root_dir_);
      if (!rel.empty()) c->text = rel.generic_string();
    }
    int e = root->find("extends");
    if (e < 0) return root;
    Node ext = std::move(root->children[static_cast<std::size_t>(e)]);
    root->erase(static_cast<std::size_t>(e));
    if (!ext.is(Node::Kind::Scalar) || ext.text.empty()) {
      d_.add(ext.where, "extends",
             fmt::format("expected the file name of a scenario to extend, found {}", found(ext)));
      return std::nullopt;
    }
    const fs::path parent_file = (dir / ext.text).lexically_normal();
    const fs::path parent_id = identity(parent_file);
    if (std::find(chain_.begin(), chain_.end(), parent_id) != chain_.end()) {
      std::vector<std::string> names;
      for (const auto& p : chain_) names.push_back(shown(p));
      names.push_back(shown(parent_id));
      d_.add(ext.where, "extends", fmt::format("extends cycle: {}", join(names, " -> ")));
      return std::nullopt;
    }
    if (chain_.size() >= kMaxExtends) {
      d_.add(ext.where, "extends", fmt::format("extends chain longer than {} files", kMaxExtends));
      return std::nullopt;
    }
    std::string parent_text, why;
    if (!read_file(parent_file, parent_text, why)) {
      const std::string full = parent_file.string();
      d_.add(ext.where, "extends",
             full == ext.text
                 ? fmt::format("cannot read the scenario to extend, '{}': {}", ext.text, why)
                 : fmt::format("cannot read the scenario to extend, '{}' ({}): {}", ext.text, full, why));
      return std::nullopt;
    }
    std::optional<Node> parent = resolve_file(parent_text, parent_file.string());
    if (!parent) return std::nullopt;
    merge_into(*parent, std::move(*root));
    return parent;
  }

  Diags& d_;
  fs::path root_dir_;
  std::vector<fs::path> chain_;
};

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

// ---------------------------------------------------------------------------------------------------
// Stage 3: the schema

// Reads one map: remembers every key asked for, so that a key nobody asked for is reported (with the
// closest asked-for key as a suggestion) instead of being silently ignored. A missing key is reported by
// done(), unless an unknown key in the map is a likely typo of it: `incidence_per_yaer` gives one
// diagnostic ("did you mean 'incidence_per_year'?"), not a second one for the missing key.
class MapReader {
 public:
  MapReader(const Node& n, std::string path, Diags& d) : n_(n), path_(std::move(path)), d_(d) {}

  const Node* get(std::string_view k) {
    asked_.emplace_back(k);
    return n_.get(k);
  }
  const Node* need(std::string_view k, bool required = true) {
    const Node* v = get(k);
    if (!v && required) missing(k, fmt::format("missing required key '{}'", k));
    return v;
  }
  // Reports `message` about missing key `k` at this map, unless an unknown key is a typo of `k` or of one
  // of `alternatives` (keys that would have done instead).
  void missing(std::string_view k, std::string message, std::vector<std::string> alternatives = {}) {
    alternatives.emplace_back(k);
    missing_.push_back({sub(k), std::move(message), std::move(alternatives)});
  }
  std::string sub(std::string_view k) const { return sub_path(path_, k); }
  const Node& node() const { return n_; }
  const std::string& path() const { return path_; }

  // Reports keys nobody asked for, and missing keys. `noun` names what the keys are ("key", "domain").
  void done(std::string_view noun = "key") {
    for (std::size_t i = 0; i < n_.keys.size(); ++i) {
      const std::string& k = n_.keys[i];
      if (std::find(asked_.begin(), asked_.end(), k) != asked_.end()) continue;
      std::string msg;
      if (k == "<<") {
        msg = "YAML merge keys ('<<') are not supported: use 'extends' to inherit from another scenario";
      } else {
        const std::string near = suggest(k, asked_);
        for (auto& m : missing_)
          if (!near.empty() &&
              std::find(m.alternatives.begin(), m.alternatives.end(), near) != m.alternatives.end())
            m.explained = true;
        msg =
            unknown_name(noun, k, asked_, noun == "key" ? "expected one of" : fmt::format("known {}s", noun));
      }
      d_.add(n_.key_where[i], sub(k), msg);
    }
    for (const auto& m : missing_)
      if (!m.explained) d_.add(n_.where, m.key, m.message);
    missing_.clear();
  }

 private:
  struct Missing {
    std::string key, message;
    std::vector<std::string> alternatives;
    bool explained = false;
  };
  const Node& n_;
  std::string path_;
  Diags& d_;
  std::vector<std::string> asked_;
  std::vector<Missing> missing_;
};

// The valid values of a number.
struct Range {
  double lo = 0;
  double hi = kInf;
  bool lo_open = false;  // lo itself is not allowed
  bool whole = false;
  const char* what = "a number";

  bool contains(double v) const {
    if (whole && v != std::floor(v)) return false;
    return (lo_open ? v > lo : v >= lo) && v <= hi;
  }
  // An upper bound at or above kHuge is only a guard against overflow: shown only when `show_hi` (the
  // value found is above it), so "found 99999999999" never follows "a whole number >= 0".
  std::string describe(bool show_hi = false) const {
    const std::string w = whole ? "a whole number" : what;
    if ((hi < kHuge || show_hi) && hi < kInf)
      return fmt::format("{} {} {} {} {}", w, whole ? "from" : "between", count_text(lo),
                         whole ? "to" : "and", count_text(hi));
    return fmt::format("{} {} {}", w, lo_open ? ">" : ">=", count_text(lo));
  }
};
constexpr Range kProbability{0, 1, false, false, "a probability"};
constexpr Range kShare{0, 1, false, false, "a share"};
constexpr Range kFraction{0, 1, false, false, "a number"};
constexpr Range kNonNeg{0, kInf};
constexpr Range kPositive{0, kInf, true};
constexpr Range kMoney{0, 1e12, false, false, "an amount in euros"};
constexpr Range kWhole{0, kHuge, false, true};
constexpr Range kWholePositive{1, kHuge, false, true};

// Why a scalar is not a number, with the fix for the two mistakes people make most.
std::string not_a_number(const Node& n) {
  if (n.is(Node::Kind::Scalar)) {
    std::string t = n.text;
    double v = 0;
    if (!t.empty() && t.back() == '%' && parse_double(std::string_view(t).substr(0, t.size() - 1), v))
      return fmt::format("expected a number, found '{}' (write a share as a fraction: {})", t, v / 100);
    if (std::string c = t; std::replace(c.begin(), c.end(), ',', '.'), c != t && parse_double(c, v))
      return fmt::format("expected a number, found '{}' (use a decimal point: {})", t, c);
    std::string lower = t;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (parse_double(t, v) || lower == ".inf" || lower == "-.inf" || lower == "+.inf" || lower == ".nan")
      return fmt::format("expected a finite number, found '{}'", t);
  }
  return fmt::format("expected a number, found {}", found(n));
}

// Where the values of a distribution lie, for checking against a parameter's range.
struct Support {
  double lo, hi;
  bool lo_open;
};
Support support_of(const Distribution& d) {
  using K = Distribution::Kind;
  switch (d.kind) {
    case K::Fixed:
      return {d.a, d.a, false};
    case K::Uniform:
      return {d.a, d.b, false};
    case K::Triangular:
      return {d.a, d.c, false};
    case K::Normal:
      return {d.a - 3 * d.b, d.a + 3 * d.b, false};  // checked at +-3 sd; tails are clamped
    case K::LogNormal:
    case K::Gamma:
      return {0, kInf, true};
    case K::Beta:
      return {0, 1, true};
  }
  return {0, 0, false};
}

using Set = std::function<void(Scenario&, double)>;
using SetShares = std::function<void(Scenario&, const std::vector<double>&)>;

// A setter for field `member` of the struct `get(s)` returns, converting a double to its type (euros
// to cents for money, rounding for integers).
template <class Get, class T, class S>
Set field(Get get, T S::*member) {
  return [get, member](Scenario& s, double v) {
    T& f = get(s).*member;
    if constexpr (std::is_same_v<T, Cents>)
      f = euros_to_cents(v);
    else if constexpr (std::is_integral_v<T>)
      f = static_cast<T>(std::llround(v));
    else
      f = v;
  };
}

class Validator {
 public:
  Validator(Diags& d, const std::string& file) : d_(d) { s_.file = file; }

  Scenario& scenario() { return s_; }
  std::vector<UncertainParameter>& uncertain() { return uncertain_; }
  std::vector<ScenarioSource::Apply>& apply() { return apply_; }
  const Node* comparator_node() const { return comparator_; }

  void run(const Node& root) {
    MapReader top(root, "", d_);
    if (auto t = text(top.need("name"), "name")) s_.name = *t;
    if (auto t = text(top.get("description"), "description")) s_.description = *t;
    if ((comparator_ = top.get("comparator")))
      if (auto t = text(comparator_, "comparator")) s_.comparator = *t;

    // Sizes first: refuse what cannot fit before anything else is read or allocated.
    const Node* pop_node = section(top, "population");
    std::optional<MapReader> pop;
    if (pop_node) {
      pop.emplace(*pop_node, "population", d_);
      households_ = number_in(*pop, "households", Range{1, kInf, false, true}, nullptr, true, false);
    }
    simulation(section(top, "simulation"));
    if (households_ && *households_ > kMaxHouseholds) {
      RunEstimate e = estimate_run(*households_, 1, 0, 1);
      d_.add(pop_node->get("households")->where, "population.households",
             fmt::format(
                 "{} households is more than the limit of {}: the household state alone would need about "
                 "{} of memory ({} bytes per household)",
                 count_text(*households_), count_text(kMaxHouseholds), format_bytes(e.memory_bytes),
                 kBytesPerHousehold));
      households_.reset();
    }
    if (households_) s_.population.households = static_cast<int>(*households_);

    payers(section(top, "payers"));
    domains(section(top, "domains"));
    agencies(section(top, "agencies"));
    coverage();
    if (pop) population(*pop);
    fragmentation(section(top, "fragmentation"));
    ladder(section(top, "ladder"));
    coaches(section(top, "coaches", false));
    economics(section(top, "economics"));
    top.done();
  }

 private:
  // ----- values

  // A section (a map) under `parent`; nullptr when absent (reported if required) or not a map.
  const Node* section(MapReader& parent, std::string_view key, bool required = true) {
    const Node* n = parent.get(key);
    if (!n) {
      if (required) parent.missing(key, fmt::format("missing required section '{}'", key));
      return nullptr;
    }
    if (!n->is(Node::Kind::Map)) {
      d_.add(n->where, parent.sub(key), fmt::format("expected a map, found {}", found(*n)));
      return nullptr;
    }
    return n;
  }

  std::optional<std::string> text(const Node* n, const std::string& path) {
    if (!n) return std::nullopt;
    if (!n->is(Node::Kind::Scalar)) {
      d_.add(n->where, path, fmt::format("expected a text, found {}", found(*n)));
      return std::nullopt;
    }
    return n->text;
  }

  std::optional<bool> boolean(const Node* n, const std::string& path) {
    if (!n) return std::nullopt;
    if (n->is(Node::Kind::Scalar)) {
      std::string t = n->text;
      std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
      if (t == "true" || t == "yes" || t == "on") return true;
      if (t == "false" || t == "no" || t == "off") return false;
    }
    d_.add(n->where, path, fmt::format("expected true or false, found {}", found(*n)));
    return std::nullopt;
  }

  std::optional<std::string> choice(const Node* n, const std::string& path,
                                    const std::vector<std::string>& options) {
    auto t = text(n, path);
    if (!t) return std::nullopt;
    if (std::find(options.begin(), options.end(), *t) != options.end()) return t;
    std::string msg = fmt::format("expected one of {}, found '{}'", join(options), *t);
    if (std::string near = suggest(*t, options); !near.empty())
      msg += fmt::format("; did you mean '{}'?", near);
    d_.add(n->where, path, msg);
    return std::nullopt;
  }

  // A reference to a payer or domain by name. When the section that defines the names is missing or broken
  // (`known` false) it has its own diagnostic: references to it are not reported one by one.
  std::optional<int> ref(const Node* n, const std::string& path, const std::vector<std::string>& names,
                         std::string_view what, bool known) {
    if (!n) return std::nullopt;
    if (!n->is(Node::Kind::Scalar)) {
      d_.add(n->where, path, fmt::format("expected {} name, found {}", with_article(what), found(*n)));
      return std::nullopt;
    }
    auto it = std::find(names.begin(), names.end(), n->text);
    if (it != names.end()) return static_cast<int>(it - names.begin());
    if (!known) return std::nullopt;
    d_.add(n->where, path, unknown_name(what, n->text, names, fmt::format("known {}s", what)));
    return std::nullopt;
  }

  // A plain number (no distribution) within `r`.
  std::optional<double> plain(const Node& n, const std::string& path, const Range& r) {
    double v = 0;
    if (!n.is(Node::Kind::Scalar) || !parse_double(n.text, v) || !std::isfinite(v)) {
      d_.add(n.where, path, not_a_number(n));
      return std::nullopt;
    }
    if (!r.contains(v)) {
      d_.add(n.where, path, fmt::format("expected {}, found {}", r.describe(v > r.hi), n.text));
      return std::nullopt;
    }
    return v;
  }

  // A number or a distribution for the parameter at `path`. Sets the base scenario (the mean) through
  // `set` and records a distribution as an uncertain parameter. `may_vary` false: a number only.
  std::optional<double> number(const Node& n, const std::string& path, const Range& r, const Set& set,
                               bool may_vary = true) {
    if (n.is(Node::Kind::Map)) {
      if (!may_vary) {
        d_.add(n.where, path,
               "expected a fixed number, found a distribution (this parameter sets the model's size "
               "or structure, so it cannot vary between draws)");
        return std::nullopt;
      }
      std::optional<Distribution> dist = distribution(n, path, r);
      if (!dist) return std::nullopt;
      double mean = dist->mean();
      if (r.whole) mean = std::clamp(std::round(mean), std::ceil(r.lo), std::floor(r.hi));
      if (set) set(s_, mean);
      if (dist->kind != Distribution::Kind::Fixed && set) {
        uncertain_.push_back({path, n.where, *dist});
        apply_.push_back({r.lo, std::min(r.hi, kHuge), r.whole, set, nullptr});
      }
      return mean;
    }
    std::optional<double> v = plain(n, path, r);
    if (v && set) set(s_, *v);
    return v;
  }

  std::optional<double> number_in(MapReader& m, std::string_view key, const Range& r, const Set& set,
                                  bool required = true, bool may_vary = true) {
    const Node* n = m.need(key, required);
    if (!n) return std::nullopt;
    return number(*n, m.sub(key), r, set, may_vary);
  }

  // {dist: kind, ...own parameters or mean and sd}, checked for valid parameters and for lying inside
  // the parameter's range.
  std::optional<Distribution> distribution(const Node& n, const std::string& path, const Range& r) {
    using K = Distribution::Kind;
    MapReader m(n, path, d_);
    const Node* kind_node = m.get("dist");
    if (!kind_node) {
      d_.add(
          n.where, path,
          "expected a number or a distribution such as {dist: beta, mean: 0.5, sd: 0.1}, found a map without "
          "'dist'");
      return std::nullopt;
    }
    K kind{};
    auto name = text(kind_node, sub_path(path, "dist"));
    if (!name) return std::nullopt;
    if (!parse_distribution_kind(*name, kind)) {
      if (*name == "dirichlet") {
        d_.add(kind_node->where, sub_path(path, "dist"),
               "a dirichlet distribution is for a list of shares; a single number takes fixed, uniform, "
               "triangular, "
               "normal, lognormal, gamma or beta");
        return std::nullopt;
      }
      d_.add(kind_node->where, sub_path(path, "dist"),
             unknown_name("distribution", *name,
                          {"fixed", "uniform", "triangular", "normal", "lognormal", "gamma", "beta"},
                          "known distributions"));
      return std::nullopt;
    }
    bool ok = true;
    auto param = [&](std::string_view key) -> std::optional<double> {
      const Node* p = m.get(key);
      if (!p) return std::nullopt;
      auto v = plain(*p, m.sub(key), Range{-kInf, kInf});
      if (!v) ok = false;
      return v;
    };
    // Kinds given by their own parameters or by mean and sd: exactly one of the two pairs.
    auto by_pair = [&](const char* p1, const char* p2) -> std::optional<Distribution> {
      auto a = param(p1), b = param(p2);
      std::optional<double> mean, sd;
      if (kind != K::Normal) mean = param("mean"), sd = param("sd");
      if (!ok) return std::nullopt;
      const bool own = m.node().get(p1) || m.node().get(p2);
      const bool moments = kind != K::Normal && (m.node().get("mean") || m.node().get("sd"));
      if (own && moments) {
        d_.add(n.where, path, fmt::format("give {} and {}, or mean and sd, not both", p1, p2));
        return std::nullopt;
      }
      if (own && a && b) return Distribution{kind, *a, *b, 0};
      if (moments && mean && sd) {
        try {
          return Distribution::from_mean_sd(kind, *mean, *sd);
        } catch (const Error& e) {
          d_.add(n.where, path, e.what());
          return std::nullopt;
        }
      }
      d_.add(n.where, path,
             kind == K::Normal
                 ? std::string("a normal distribution needs mean and sd")
                 : fmt::format("a {} distribution needs {} and {}, or mean and sd", to_string(kind), p1, p2));
      return std::nullopt;
    };
    std::optional<Distribution> dist;
    auto need_all = [&](std::initializer_list<const char*> keys) -> std::optional<std::vector<double>> {
      std::vector<double> v;
      std::vector<std::string> missing;
      for (const char* k : keys) {
        auto x = param(k);
        if (x)
          v.push_back(*x);
        else if (!m.node().get(k))
          missing.push_back(k);
      }
      if (!missing.empty()) {
        d_.add(n.where, path,
               fmt::format("a {} distribution needs {}", to_string(kind), join(missing, " and ")));
        return std::nullopt;
      }
      if (!ok) return std::nullopt;
      return v;
    };
    switch (kind) {
      case K::Fixed:
        if (auto v = need_all({"value"})) dist = Distribution::fixed((*v)[0]);
        break;
      case K::Uniform:
        if (auto v = need_all({"min", "max"})) dist = Distribution{kind, (*v)[0], (*v)[1], 0};
        break;
      case K::Triangular:
        if (auto v = need_all({"min", "mode", "max"})) dist = Distribution{kind, (*v)[0], (*v)[1], (*v)[2]};
        break;
      case K::Normal:
        dist = by_pair("mean", "sd");
        break;
      case K::LogNormal:
        dist = by_pair("meanlog", "sdlog");
        break;
      case K::Gamma:
        dist = by_pair("shape", "scale");
        break;
      case K::Beta:
        dist = by_pair("alpha", "beta");
        break;
    }
    m.done();
    if (!dist) return std::nullopt;
    if (std::string why = dist->invalid_reason(); !why.empty()) {
      d_.add(n.where, path, fmt::format("invalid {} distribution: {}", to_string(kind), why));
      return std::nullopt;
    }
    // The distribution must stay inside the parameter's range (above kHuge, a range is unbounded).
    const Support sp = support_of(*dist);
    const bool lo_ok = sp.lo > r.lo || (sp.lo == r.lo && (!r.lo_open || sp.lo_open));
    const bool hi_ok = sp.hi <= r.hi || r.hi >= kHuge;
    if (kind == K::Fixed) {
      if (!r.contains(dist->a)) {
        d_.add(n.where, path, fmt::format("expected {}, found {}", r.describe(), dist->a));
        return std::nullopt;
      }
    } else if (!lo_ok || !hi_ok) {
      if (kind == K::Normal) {
        d_.add(n.where, path,
               fmt::format(
                   "a normal distribution with mean {} and sd {} goes outside the valid range (mean +- 3 sd "
                   "is {:.4g} to {:.4g}) but this parameter must be {}: use a beta, gamma or lognormal "
                   "distribution, or a smaller sd",
                   dist->a, dist->b, sp.lo, sp.hi, r.describe()));
      } else {
        std::string values = sp.hi == kInf ? fmt::format("from {} to infinity", sp.lo)
                                           : fmt::format("from {} to {}", sp.lo, sp.hi);
        d_.add(n.where, path,
               fmt::format("a {} distribution takes values {}, but this parameter must be {}",
                           to_string(kind), values, r.describe()));
      }
      return std::nullopt;
    }
    // An unbounded support may still have a mean beyond what the parameter can hold (cents, int).
    if (const double mean = dist->mean(); !std::isfinite(mean) || mean > r.hi) {
      d_.add(n.where, path,
             fmt::format("expected {}, found a {} distribution with mean {}", r.describe(true),
                         to_string(kind), count_text(mean)));
      return std::nullopt;
    }
    return dist;
  }

  // A list of shares summing to one, or {dist: dirichlet, alpha: [...]}. `len` is the required length
  // (0: any from 1 to max_len).
  std::optional<std::vector<double>> shares(const Node* n, const std::string& path, std::size_t len,
                                            std::size_t max_len, const std::string& len_what,
                                            const SetShares& set) {
    if (!n) return std::nullopt;
    auto length_ok = [&](std::size_t k, const Location& w, std::string_view unit) {
      if ((len > 0 && k != len) || (len == 0 && (k < 1 || k > max_len))) {
        d_.add(w, path, fmt::format("expected {}, found {} {}", len_what, k, unit));
        return false;
      }
      return true;
    };
    if (n->is(Node::Kind::List)) {
      std::vector<double> v;
      bool ok = true;
      for (std::size_t i = 0; i < n->children.size(); ++i) {
        const Node& c = n->children[i];
        if (c.is(Node::Kind::Map)) {
          d_.add(c.where, index_path(path, i),
                 "shares vary together: write the whole list as {dist: dirichlet, alpha: [...]}, not a "
                 "distribution "
                 "per share");
          ok = false;
          continue;
        }
        auto x = plain(c, index_path(path, i), kShare);
        if (x)
          v.push_back(*x);
        else
          ok = false;
      }
      if (!length_ok(n->children.size(), n->where, "shares") || !ok) return std::nullopt;
      double sum = 0;
      for (double x : v) sum += x;
      if (std::fabs(sum - 1) > kShareTolerance) {
        d_.add(n->where, path, fmt::format("shares sum to {:.6g}, expected 1", sum));
        return std::nullopt;
      }
      if (set) set(s_, v);
      return v;
    }
    if (n->is(Node::Kind::Map)) {
      MapReader m(*n, path, d_);
      const Node* kind = m.get("dist");
      const Node* alpha = m.get("alpha");
      m.done();
      if (!kind || !kind->is(Node::Kind::Scalar) || kind->text != "dirichlet") {
        d_.add(n->where, path,
               fmt::format("expected a list of shares or {{dist: dirichlet, alpha: [...]}}, found {}",
                           kind && kind->is(Node::Kind::Scalar) ? fmt::format("a {} distribution", kind->text)
                                                                : std::string("a map")));
        return std::nullopt;
      }
      if (!alpha) {
        d_.add(n->where, sub_path(path, "alpha"), "missing required key 'alpha' (one weight per share)");
        return std::nullopt;
      }
      if (!alpha->is(Node::Kind::List)) {
        d_.add(alpha->where, sub_path(path, "alpha"),
               fmt::format("expected a list of numbers, found {}", found(*alpha)));
        return std::nullopt;
      }
      Dirichlet dir;
      bool ok = true;
      for (std::size_t i = 0; i < alpha->children.size(); ++i) {
        auto x = plain(alpha->children[i], index_path(sub_path(path, "alpha"), i), Range{-kInf, kInf});
        if (x)
          dir.alpha.push_back(*x);
        else
          ok = false;
      }
      if (!ok || !length_ok(alpha->children.size(), alpha->where, "alphas")) return std::nullopt;
      if (std::string why = dir.invalid_reason(); !why.empty()) {
        d_.add(alpha->where, path, fmt::format("invalid dirichlet distribution: {}", why));
        return std::nullopt;
      }
      std::vector<double> mean = dir.mean();
      if (set) {
        set(s_, mean);
        uncertain_.push_back({path, n->where, dir});
        apply_.push_back({0, 1, false, nullptr, set});
      }
      return mean;
    }
    d_.add(n->where, path, fmt::format("expected a list of shares, found {}", found(*n)));
    return std::nullopt;
  }

  // A map keyed by user-chosen names (payers, domains, agencies): the names, checked; nullopt when there
  // are none or more than `limit` (then the section is not read further).
  std::optional<std::vector<std::string>> names_of(const Node& n, const std::string& path,
                                                   std::string_view what, std::string_view plural,
                                                   int limit) {
    if (n.keys.empty()) {
      d_.add(n.where, path, fmt::format("at least one {} is needed, found none", what));
      return std::nullopt;
    }
    if (n.keys.size() > static_cast<std::size_t>(limit)) {
      d_.add(n.where, path, fmt::format("expected at most {} {}, found {}", limit, plural, n.keys.size()));
      return std::nullopt;
    }
    std::vector<std::string> names;
    for (std::size_t i = 0; i < n.keys.size(); ++i) {
      const std::string& k = n.keys[i];
      if (!valid_name(k))
        d_.add(n.key_where[i], sub_path(path, k),
               fmt::format("{} name must be letters, digits, '_' or '-' (at most 64), found '{}'",
                           with_article(what), k));
      names.push_back(k);
    }
    return names;
  }

  // ----- sections

  void simulation(const Node* n) {
    if (!n) return;
    MapReader m(*n, "simulation", d_);
    // No upper bound here: sizes above the limits get the explanation below, not a bare range.
    constexpr Range kCount{1, kInf, false, true};
    auto years = number_in(m, "years", kCount, nullptr, true, false);
    auto warmup = number_in(m, "warmup_years", Range{0, kInf, false, true}, nullptr, true, false);
    auto reps = number_in(m, "replications", kCount, nullptr, true, false);
    if (const Node* seed = m.get("seed")) {
      std::uint64_t v = 0;
      const std::string& t = seed->text;
      auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (!seed->is(Node::Kind::Scalar) || ec != std::errc() || end != t.data() + t.size())
        d_.add(seed->where, "simulation.seed",
               fmt::format("expected a whole number from 0 to 18446744073709551615, found {}", found(*seed)));
      else
        s_.simulation.seed = v;
    }
    m.done();
    // Estimates use what is known; an unknown size counts as the default.
    const double hh = households_.value_or(1000), y = years.value_or(s_.simulation.years),
                 w = warmup.value_or(s_.simulation.warmup_years),
                 r = reps.value_or(s_.simulation.replications);
    const RunEstimate e = estimate_run(hh, y, w, r);
    auto years_text = [](double v) { return fmt::format("{} year{}", count_text(v), v == 1 ? "" : "s"); };
    const std::string time = fmt::format(
        "the run ({} households, {} replications of {} plus a warm-up of {}) "
        "would take about {} on one core",
        count_text(hh), count_text(r), years_text(y), years_text(w), format_duration(e.core_seconds));
    const std::string memory =
        fmt::format("keeping the weekly results would need about {} of memory ({} weeks x {} replications)",
                    format_bytes(e.results_bytes), count_text(y * kWeeksPerYear), count_text(r));
    auto too_large = [&](const char* key, double v, double limit, const char* what, const std::string& why) {
      d_.add(
          n->get(key)->where, sub_path("simulation", key),
          fmt::format("{} {} is more than the limit of {}: {}", count_text(v), what, count_text(limit), why));
    };
    if (years && *years > kMaxYears)
      too_large("years", *years, kMaxYears, "years", memory + ", and " + time);
    else if (years)
      s_.simulation.years = static_cast<int>(*years);
    if (warmup && *warmup > kMaxYears)
      too_large("warmup_years", *warmup, kMaxYears, "warm-up years",
                "the warm-up only has to reach the baseline's steady state, and " + time);
    else if (warmup)
      s_.simulation.warmup_years = static_cast<int>(*warmup);
    if (reps && *reps > kMaxReplications)
      too_large("replications", *reps, kMaxReplications, "replications", time + ", and " + memory);
    else if (reps)
      s_.simulation.replications = static_cast<int>(*reps);
  }

  void payers(const Node* n) {
    if (!n) return;
    auto names = names_of(*n, "payers", "payer", "payers", kMaxPayers);
    if (!names) return;
    payer_names_ = std::move(*names);
    payers_ok_ = true;
    MapReader all(*n, "payers", d_);
    for (std::size_t i = 0; i < payer_names_.size(); ++i) {
      const std::string path = sub_path("payers", payer_names_[i]);
      all.get(payer_names_[i]);
      Payer p{payer_names_[i], payer_names_[i]};
      const Node& v = n->children[i];
      if (v.is(Node::Kind::Map)) {
        MapReader m(v, path, d_);
        if (auto t = text(m.get("label"), m.sub("label"))) p.label = *t;
        m.done();
      } else if (!v.is(Node::Kind::Null)) {
        d_.add(v.where, path,
               fmt::format("expected a map such as {{label: Municipality}}, found {}", found(v)));
      }
      s_.payers.push_back(p);
    }
    all.done();
  }

  void domains(const Node* n) {
    if (!n) return;
    auto names = names_of(*n, "domains", "domain", "domains", kMaxDomains);
    if (!names) return;
    domain_names_ = std::move(*names);
    domains_ok_ = true;
    domain_where_ = n->key_where;
    MapReader all(*n, "domains", d_);
    s_.domains.resize(domain_names_.size());
    for (std::size_t i = 0; i < domain_names_.size(); ++i) {
      all.get(domain_names_[i]);
      const std::string path = sub_path("domains", domain_names_[i]);
      Domain& dom = s_.domains[i];
      dom.name = dom.label = domain_names_[i];
      const Node& v = n->children[i];
      if (!v.is(Node::Kind::Map)) {
        d_.add(v.where, path, fmt::format("expected a map, found {}", found(v)));
        continue;
      }
      auto D = [i](Scenario& s) -> Domain& { return s.domains[i]; };
      MapReader m(v, path, d_);
      if (auto t = text(m.get("label"), m.sub("label"))) dom.label = *t;
      number_in(m, "incidence_per_year", kNonNeg, field(D, &Domain::incidence_per_year));
      number_in(m, "rung_factor", kNonNeg, field(D, &Domain::rung_factor));
      number_in(m, "clustering_factor", kNonNeg, field(D, &Domain::clustering_factor));
      number_in(m, "resolution_per_year", kNonNeg, field(D, &Domain::resolution_per_year));
      number_in(m, "complex_share", kShare, field(D, &Domain::complex_share));
      number_in(m, "seek_help_per_year", kNonNeg, field(D, &Domain::seek_help_per_year));
      number_in(m, "escalation_per_year", kNonNeg, field(D, &Domain::escalation_per_year));
      number_in(m, "escalation_growth_per_year", kNonNeg, field(D, &Domain::escalation_growth_per_year));
      if (const Node* e = section(m, "escalation")) {
        MapReader em(*e, m.sub("escalation"), d_);
        if (auto t = text(em.need("event"), em.sub("event"))) s_.domains[i].escalation_event = *t;
        number_in(em, "cost", kMoney, field(D, &Domain::escalation_cost));
        if (auto p = ref(em.need("payer"), em.sub("payer"), payer_names_, "payer", payers_ok_))
          s_.domains[i].escalation_payer = *p;
        em.done();
      }
      m.done();
    }
    all.done();
  }

  void agencies(const Node* n) {
    if (!n) return;
    auto names = names_of(*n, "agencies", "agency", "agencies", kMaxAgencies);
    if (!names) return;
    agency_names_ = std::move(*names);
    MapReader all(*n, "agencies", d_);
    s_.agencies.resize(agency_names_.size());
    for (std::size_t i = 0; i < agency_names_.size(); ++i) {
      all.get(agency_names_[i]);
      const std::string path = sub_path("agencies", agency_names_[i]);
      s_.agencies[i].name = s_.agencies[i].label = agency_names_[i];
      const Node& v = n->children[i];
      if (!v.is(Node::Kind::Map)) {
        d_.add(v.where, path, fmt::format("expected a map, found {}", found(v)));
        agency_domains_ok_ = false;
        continue;
      }
      auto A = [i](Scenario& s) -> Agency& { return s.agencies[i]; };
      MapReader m(v, path, d_);
      if (auto t = text(m.get("label"), m.sub("label"))) s_.agencies[i].label = *t;
      if (!agency_domains(m.need("domains"), m.sub("domains"), s_.agencies[i])) agency_domains_ok_ = false;
      const Node* cap = m.get("capacity");
      const Node* per = m.get("capacity_per_1000_households");
      if (cap && per) {
        d_.add(per->where, m.sub("capacity_per_1000_households"),
               "give either capacity or capacity_per_1000_households, not both");
      } else if (cap) {
        number(*cap, m.sub("capacity"), Range{0, kHuge, false, true}, field(A, &Agency::capacity));
      } else if (per) {
        // Concurrent cases scale with the population: round(x * households / 1000), at least one.
        const double hh = households_.value_or(0);
        Set set = nullptr;
        if (households_)
          set = [i, hh](Scenario& s, double x) {
            s.agencies[i].capacity = static_cast<int>(std::max(1.0, std::round(x * hh / 1000.0)));
          };
        number(*per, m.sub("capacity_per_1000_households"), Range{0, 1000}, set);
      } else {
        m.missing("capacity", "missing required key 'capacity' (or 'capacity_per_1000_households')",
                  {"capacity_per_1000_households"});
      }
      number_in(m, "intake_cost", kMoney, field(A, &Agency::intake_cost));
      number_in(m, "intake_weeks", kWhole, field(A, &Agency::intake_weeks));
      number_in(m, "cost_per_case_week", kMoney, field(A, &Agency::cost_per_case_week));
      number_in(m, "treatment_weeks", kPositive, field(A, &Agency::treatment_weeks));
      number_in(m, "success_probability", kProbability, field(A, &Agency::success_probability));
      if (auto p = ref(m.need("payer"), m.sub("payer"), payer_names_, "payer", payers_ok_))
        s_.agencies[i].payer = *p;
      number_in(m, "presence", kProbability, field(A, &Agency::presence), false);
      number_in(m, "cooperation", kProbability, field(A, &Agency::cooperation), false);
      // Fixed: the shares must add up to the whole coach budget in every draw.
      number_in(m, "reallocation_share", kShare, field(A, &Agency::reallocation_share), false, false);
      m.done();
    }
    all.done();
  }

  // An agency's list of domains; false when it could not be read completely.
  bool agency_domains(const Node* n, const std::string& path, Agency& a) {
    if (!n) return false;
    if (!n->is(Node::Kind::List)) {
      d_.add(n->where, path,
             fmt::format("expected a list of domain names such as [money, housing], found {}", found(*n)));
      return false;
    }
    if (n->children.empty()) {
      d_.add(n->where, path, "an agency must serve at least one domain, found an empty list");
      return false;
    }
    bool ok = true;
    for (std::size_t k = 0; k < n->children.size(); ++k) {
      auto d = ref(&n->children[k], index_path(path, k), domain_names_, "domain", domains_ok_);
      if (!d || *d >= kMaxDomains) {
        ok = false;
        continue;
      }
      if (a.domain_mask & (1u << *d)) {
        d_.add(n->children[k].where, index_path(path, k),
               fmt::format("domain '{}' is listed twice", n->children[k].text));
        continue;
      }
      a.domain_mask |= 1u << *d;
    }
    return ok;
  }

  // Every domain needs an agency: complex problems can only be treated in the second line. Not checked when
  // an agency's domains could not be read (a misspelt domain there is the problem already reported).
  void coverage() {
    if (agency_names_.empty() || !domains_ok_ || !agency_domains_ok_) return;
    std::uint32_t served = 0;
    for (const Agency& a : s_.agencies) served |= a.domain_mask;
    for (std::size_t d = 0; d < domain_names_.size(); ++d)
      if (!(served & (1u << d)))
        d_.add(domain_where_[d], sub_path("domains", domain_names_[d]),
               fmt::format(
                   "no agency serves domain '{}': its complex problems could never be treated (add it to "
                   "an agency's domains)",
                   domain_names_[d]));
  }

  void population(MapReader& m) {
    // Without a usable domains section the number of problems is unknown: any length up to the maximum.
    const std::size_t nd = domains_ok_ ? domain_names_.size() : static_cast<std::size_t>(kMaxDomains);
    auto counts =
        shares(m.need("problem_count_shares"), m.sub("problem_count_shares"), 0, nd + 1,
               fmt::format("1 to {} shares (0 to {} problems, at most one per domain)", nd + 1, nd),
               [](Scenario& s, const std::vector<double>& v) { s.population.problem_count_shares = v; });
    if (const Node* rows = m.need("professionals_given_problems")) {
      const std::string path = m.sub("professionals_given_problems");
      if (!rows->is(Node::Kind::List)) {
        d_.add(rows->where, path,
               fmt::format("expected a list of rows (one per problem count), found {}", found(*rows)));
      } else {
        if (counts && rows->children.size() != counts->size())
          d_.add(rows->where, path,
                 fmt::format("expected {} rows (one per problem count in problem_count_shares), found {}",
                             counts->size(), rows->children.size()));
        s_.population.professionals_given_problems.assign(rows->children.size(), std::vector<double>(4, 0.0));
        for (std::size_t k = 0; k < rows->children.size(); ++k) {
          auto row =
              shares(&rows->children[k], index_path(path, k), 4, 4, "4 shares (0, 1, 2, 3+ professionals)",
                     [k](Scenario& s, const std::vector<double>& v) {
                       s.population.professionals_given_problems[k] = v;
                     });
          if (k == 0 && row && (*row)[0] != 1.0)
            d_.add(
                rows->children[k].where, index_path(path, k),
                "households without problems have no professionals in the model: row 0 must be [1, 0, 0, 0]");
        }
      }
    }
    shares(m.need("rung_shares"), m.sub("rung_shares"), kRungs, kRungs, "6 shares (rungs 1 to 6)",
           [](Scenario& s, const std::vector<double>& v) {
             std::copy(v.begin(), v.end(), s.population.rung_shares.begin());
           });
    if (const Node* t = section(m, "trust")) {
      MapReader tm(*t, m.sub("trust"), d_);
      auto P = [](Scenario& s) -> Population& { return s.population; };
      number_in(tm, "mean", kFraction, field(P, &Population::trust_mean));
      number_in(tm, "sd", kFraction, field(P, &Population::trust_sd));
      number_in(tm, "recovery_per_year", kNonNeg, field(P, &Population::trust_recovery_per_year), false);
      tm.done();
    }
    m.done();
  }

  void fragmentation(const Node* n) {
    if (!n) return;
    MapReader m(*n, "fragmentation", d_);
    auto F = [](Scenario& s) -> Fragmentation& { return s.fragmentation; };
    number_in(m, "wrong_agency_probability", kProbability,
              field(F, &Fragmentation::wrong_agency_probability));
    // Bounces are addressed as index d*16 + attempt in Stream::Bounce: at most 16.
    number_in(m, "max_bounces", Range{0, 16, false, true}, field(F, &Fragmentation::max_bounces));
    number_in(m, "bounce_weeks", kWhole, field(F, &Fragmentation::bounce_weeks));
    number_in(m, "bounce_trust_loss", kFraction, field(F, &Fragmentation::bounce_trust_loss));
    number_in(m, "search_weeks", kWhole, field(F, &Fragmentation::search_weeks));
    number_in(m, "seek_trust_floor", kFraction, field(F, &Fragmentation::seek_trust_floor));
    number_in(m, "duplicate_probability", kProbability, field(F, &Fragmentation::duplicate_probability));
    number_in(m, "duplicate_cost_share", kShare, field(F, &Fragmentation::duplicate_cost_share));
    number_in(m, "success_loss_per_extra_professional", kFraction,
              field(F, &Fragmentation::success_loss_per_extra_professional));
    number_in(m, "success_trust_gain", kFraction, field(F, &Fragmentation::success_trust_gain));
    number_in(m, "failure_trust_loss", kFraction, field(F, &Fragmentation::failure_trust_loss));
    number_in(m, "escalation_in_treatment_factor", kNonNeg,
              field(F, &Fragmentation::escalation_in_treatment_factor));
    m.done();
  }

  void ladder(const Node* n) {
    if (!n) return;
    MapReader m(*n, "ladder", d_);
    auto L = [](Scenario& s) -> Ladder& { return s.ladder; };
    number_in(m, "climb_per_year", kNonNeg, field(L, &Ladder::climb_per_year));
    number_in(m, "climb_factor_per_problem", kNonNeg, field(L, &Ladder::climb_factor_per_problem));
    number_in(m, "drop_per_year", kNonNeg, field(L, &Ladder::drop_per_year), false);
    number_in(m, "drop_per_year_per_problem", kNonNeg, field(L, &Ladder::drop_per_year_per_problem));
    number_in(m, "escalation_drop_probability", kProbability, field(L, &Ladder::escalation_drop_probability));
    m.done();
  }

  // A map with one probability per domain, into a vector in domain order.
  void per_domain(const Node* n, const std::string& path, std::vector<double> Coaches::*member) {
    (s_.coaches.*member).assign(domain_names_.size(), 0.0);
    if (!n || !domains_ok_) return;  // without domains there is nothing to check the keys against
    if (!n->is(Node::Kind::Map)) {
      d_.add(n->where, path,
             fmt::format("expected a map with one value per domain ({}), found {}", join(domain_names_),
                         found(*n)));
      return;
    }
    MapReader m(*n, path, d_);
    for (std::size_t d = 0; d < domain_names_.size(); ++d) {
      const Node* v = m.get(domain_names_[d]);
      if (!v) {
        m.missing(domain_names_[d],
                  fmt::format("missing domain '{}' (one value per domain is needed)", domain_names_[d]));
        continue;
      }
      number(*v, m.sub(domain_names_[d]), kProbability,
             [member, d](Scenario& s, double x) { (s.coaches.*member)[d] = x; });
    }
    m.done("domain");
  }

  void coaches(const Node* n) {
    s_.coaches.notice_per_week.assign(domain_names_.size(), 0.0);
    s_.coaches.solve_per_week.assign(domain_names_.size(), 0.0);
    if (!n) return;  // no coaches: the fragmented baseline
    MapReader m(*n, "coaches", d_);
    Coaches& c = s_.coaches;
    if (auto on = boolean(m.need("enabled"), m.sub("enabled"))) c.enabled = *on;
    const bool req = c.enabled;  // a disabled block may be partial; what it gives is still checked
    auto C = [](Scenario& s) -> Coaches& { return s.coaches; };
    number_in(m, "fte", req ? kPositive : kNonNeg, field(C, &Coaches::fte), req);
    if (auto t = number_in(m, "teams", Range{1, 255, false, true}, field(C, &Coaches::teams), req, false);
        t && households_ && *t > *households_)
      d_.add(
          n->get("teams")->where, m.sub("teams"),
          fmt::format("{} teams for {} households: a team needs at least one household", *t, *households_));
    auto norm =
        number_in(m, "caseload_norm_per_fte", kPositive, field(C, &Coaches::caseload_norm_per_fte), req);
    auto cap = number_in(m, "caseload_cap_per_fte", kPositive, field(C, &Coaches::caseload_cap_per_fte), req);
    if (norm && cap && *cap < *norm)
      d_.add(
          n->get("caseload_cap_per_fte")->where, m.sub("caseload_cap_per_fte"),
          fmt::format("the caseload cap ({} per FTE) is below the caseload norm ({} per FTE)", *cap, *norm));
    number_in(m, "cost_per_fte_year", kMoney, field(C, &Coaches::cost_per_fte_year), req);
    const Node* funding_node = m.need("funding", req);
    if (auto f = choice(funding_node, m.sub("funding"), {"additional", "reallocated"}))
      c.funding = *f == "additional" ? Funding::Additional : Funding::Reallocated;
    const bool additional = c.funding == Funding::Additional;
    if (auto p = ref(m.need("funding_payer", req && additional), m.sub("funding_payer"), payer_names_,
                     "payer", payers_ok_))
      c.funding_payer = *p;
    per_domain(m.need("notice_per_week", req), m.sub("notice_per_week"), &Coaches::notice_per_week);
    per_domain(m.need("solve_per_week", req), m.sub("solve_per_week"), &Coaches::solve_per_week);
    number_in(m, "competence_spread", kFraction, field(C, &Coaches::competence_spread), req);
    number_in(m, "outreach_per_year", kNonNeg, field(C, &Coaches::outreach_per_year), req);
    number_in(m, "self_referral_per_year", kNonNeg, field(C, &Coaches::self_referral_per_year), req);
    number_in(m, "mandate_probability", kProbability, field(C, &Coaches::mandate_probability), req);
    number_in(m, "privacy_probability", kProbability, field(C, &Coaches::privacy_probability), req);
    number_in(m, "privacy_delay_weeks", kWhole, field(C, &Coaches::privacy_delay_weeks), req);
    number_in(m, "coordination", kProbability, field(C, &Coaches::coordination), req);
    number_in(m, "coordination_success_gain", kFraction, field(C, &Coaches::coordination_success_gain), req);
    number_in(m, "going_native_probability", kProbability, field(C, &Coaches::going_native_probability), req);
    number_in(m, "activation_per_year", kNonNeg, field(C, &Coaches::activation_per_year), req);
    number_in(m, "overload_slope", kNonNeg, field(C, &Coaches::overload_slope), req);
    number_in(m, "min_effectiveness", kFraction, field(C, &Coaches::min_effectiveness), req);
    number_in(m, "close_after_quiet_weeks", kWhole, field(C, &Coaches::close_after_quiet_weeks), req);
    number_in(m, "max_weeks", kWholePositive, field(C, &Coaches::max_weeks), req);
    number_in(m, "relapse_factor", kNonNeg, field(C, &Coaches::relapse_factor), req);
    number_in(m, "relapse_weeks", kWhole, field(C, &Coaches::relapse_weeks), req);
    number_in(m, "trust_gain_per_year", kNonNeg, field(C, &Coaches::trust_gain_per_year), req);
    m.done();
    // Reallocated funding books the whole coach budget on agencies by their shares: they must add up.
    if (c.enabled && !additional && funding_node && !s_.agencies.empty()) {
      double sum = 0;
      for (const Agency& a : s_.agencies) sum += a.reallocation_share;
      if (std::fabs(sum - 1) > kShareTolerance)
        d_.add(funding_node->where, m.sub("funding"),
               fmt::format(
                   "reallocated funding needs the agencies' reallocation_share to sum to 1 (the whole coach "
                   "budget), found {:.6g}",
                   sum));
    }
  }

  void economics(const Node* n) {
    if (!n) return;
    MapReader m(*n, "economics", d_);
    auto E = [](Scenario& s) -> Economics& { return s.economics; };
    // Zorginstituut Nederland guideline for economic evaluation: 2016 costs 4%, effects 1.5%; 2024 update
    // costs 3%, effects 1.5%. An explicit rate overrides the guideline's (sensitivity analysis).
    auto g = choice(m.get("guideline"), m.sub("guideline"), {"dutch-2024", "dutch-2016"});
    if (g) {
      s_.economics.discount_costs = *g == "dutch-2016" ? 0.04 : 0.03;
      s_.economics.discount_effects = 0.015;
    }
    const bool need_rates = !m.node().get("guideline");
    for (const char* key : {"discount_costs", "discount_effects"}) {
      const Node* v = m.get(key);
      if (!v && need_rates)
        m.missing(
            key,
            fmt::format("missing required key '{}' (or give a guideline: dutch-2024 or dutch-2016)", key),
            {"guideline"});
      if (v)
        number(*v, m.sub(key), Range{0, 1, false, false, "a yearly rate"},
               std::string_view(key) == "discount_costs" ? field(E, &Economics::discount_costs)
                                                         : field(E, &Economics::discount_effects));
    }
    number_in(m, "willingness_to_pay", kMoney, field(E, &Economics::willingness_to_pay));
    if (const Node* u = m.get("utility_by_problems")) {
      const std::string path = m.sub("utility_by_problems");
      if (!u->is(Node::Kind::List) || u->children.empty() || u->children.size() > kMaxDomains + 1) {
        const std::string what = !u->is(Node::Kind::List) ? found(*u)
                                 : u->children.empty()    ? std::string("an empty list")
                                                          : fmt::format("{} weights", u->children.size());
        d_.add(
            u->where, path,
            fmt::format("expected a list of 1 to {} utility weights from 0 to 1, for households with 0, 1, "
                        "2, ... problems (the last for more), found {}",
                        kMaxDomains + 1, what));
      } else {
        s_.economics.utility_by_problems.assign(u->children.size(), 1.0);
        for (std::size_t i = 0; i < u->children.size(); ++i)
          number(u->children[i], index_path(path, i), kFraction,
                 [i](Scenario& s, double v) { s.economics.utility_by_problems[i] = v; });
      }
    }
    m.done();
  }

  Diags& d_;
  Scenario s_;
  std::vector<UncertainParameter> uncertain_;
  std::vector<ScenarioSource::Apply> apply_;
  std::optional<double> households_;
  std::vector<std::string> payer_names_, domain_names_, agency_names_;
  bool payers_ok_ = false, domains_ok_ = false;  // the section is there and its names can be referred to
  bool agency_domains_ok_ = true;                // every agency's domains were read without a problem
  std::vector<Location> domain_where_;
  const Node* comparator_ = nullptr;
};

}  // namespace

// ---------------------------------------------------------------------------------------------------

ScenarioSource ScenarioSource::load(const std::string& path) {
  std::string text, why;
  if (!read_file(path, text, why))
    throw InputError({{Location{path, 0, 0}, "", "cannot read the scenario: " + why}});
  return load_text(text, path, true);
}

ScenarioSource ScenarioSource::load_string(const std::string& yaml, const std::string& virtual_path) {
  return load_text(yaml, virtual_path, true);
}

ScenarioSource ScenarioSource::load_text(const std::string& yaml, const std::string& path,
                                         bool check_comparator) {
  Diags d;
  std::optional<Node> tree = Resolver(d, path).resolve(yaml, path);
  if (!tree) throw InputError(std::move(d).sorted(path));

  Validator v(d, path);
  v.run(*tree);
  Scenario& s = v.scenario();
  // Stored relative to this file's directory (see Resolver); the Scenario carries a usable path.
  if (!s.comparator.empty())
    s.comparator = (fs::path(path).parent_path() / s.comparator).lexically_normal().string();

  // The comparator must exist and describe the same population (common random numbers need it).
  if (check_comparator && !s.comparator.empty() && v.comparator_node()) {
    const Location where = v.comparator_node()->where;
    try {
      ScenarioSource c = [&] {
        std::string text, why;
        if (!read_file(s.comparator, text, why))
          throw InputError({{where, "comparator",
                             s.comparator == v.comparator_node()->text
                                 ? fmt::format("cannot read the comparator '{}': {}", s.comparator, why)
                                 : fmt::format("cannot read the comparator '{}' ({}): {}",
                                               v.comparator_node()->text, s.comparator, why)}});
        return load_text(text, s.comparator, false);
      }();
      const Scenario& cs = c.base_;
      if (s.population.households > 0 && cs.population.households != s.population.households)
        d.add(where, "comparator",
              fmt::format(
                  "the comparator has {} households and this scenario {}: compare scenarios on the same "
                  "population",
                  count_text(cs.population.households), count_text(s.population.households)));
      std::vector<std::string> mine, theirs;
      for (const auto& x : s.domains) mine.push_back(x.name);
      for (const auto& x : cs.domains) theirs.push_back(x.name);
      if (!mine.empty() && mine != theirs)
        d.add(where, "comparator",
              fmt::format("the comparator's domains ({}) differ from this scenario's ({})", join(theirs),
                          join(mine)));
    } catch (const InputError& e) {
      const auto& cd = e.diagnostics();
      if (!cd.empty() && cd[0].key == "comparator" && cd[0].where.file == where.file)
        d.add(cd[0].where, cd[0].key, cd[0].message);
      else
        d.add(where, "comparator",
              fmt::format("the comparator scenario has {} error(s); the first: {}", cd.size(),
                          cd.empty() ? std::string("?") : cd[0].to_string()));
    }
  }
  if (!d.empty()) throw InputError(std::move(d).sorted(path));

  ScenarioSource src;
  src.path_ = path;
  src.base_ = std::move(s);
  src.uncertain_ = std::move(v.uncertain());
  src.apply_ = std::move(v.apply());
  YAML::Emitter out;
  emit(out, *tree);
  src.resolved_yaml_ = std::string(out.c_str()) + "\n";
  return src;
}

Scenario ScenarioSource::base() const {
  return base_;
}

void ScenarioSource::apply_draw(Scenario& s, std::uint64_t seed, std::uint32_t draw,
                                std::vector<std::pair<std::string, double>>* values) const {
  const RandomStreams rs(seed, draw, 0);
  for (std::size_t i = 0; i < uncertain_.size(); ++i) {
    const UncertainParameter& u = uncertain_[i];
    const Apply& a = apply_[i];
    const std::uint32_t id = parameter_id(u.key_path);
    if (const auto* dist = std::get_if<Distribution>(&u.law)) {
      // Only a normal's far tail can leave the range (the loader checked +-3 sd); clamp it.
      double v = std::clamp(dist->sample(rs, id), a.lo, a.hi);
      if (a.whole) v = std::clamp(std::round(v), std::ceil(a.lo), std::floor(a.hi));
      a.set(s, v);
      if (values) values->emplace_back(u.key_path, v);
    } else {
      std::vector<double> v = std::get<Dirichlet>(u.law).sample(rs, id);
      a.set_shares(s, v);
      if (values)
        for (std::size_t k = 0; k < v.size(); ++k) values->emplace_back(index_path(u.key_path, k), v[k]);
    }
  }
}

Scenario ScenarioSource::for_draw(std::uint64_t seed, std::uint32_t draw) const {
  Scenario s = base_;
  apply_draw(s, seed, draw, nullptr);
  return s;
}

std::vector<std::pair<std::string, double>> ScenarioSource::sampled_values(std::uint64_t seed,
                                                                           std::uint32_t draw) const {
  Scenario s = base_;
  std::vector<std::pair<std::string, double>> values;
  apply_draw(s, seed, draw, &values);
  return values;
}

namespace {
// Leaves of a scenario as "key.path" -> value in YAML flow style, in file order. A distribution
// ({dist: ...}) and a list are one leaf each.
void flatten_yaml(const YAML::Node& n, const std::string& prefix,
                  std::vector<std::pair<std::string, std::string>>& out) {
  if (n.IsMap() && !n["dist"]) {
    for (const auto& kv : n) {
      const std::string key = kv.first.as<std::string>();
      flatten_yaml(kv.second, prefix.empty() ? key : prefix + "." + key, out);
    }
    return;
  }
  if (n.IsScalar()) {
    out.emplace_back(prefix, n.Scalar());
    return;
  }
  YAML::Emitter e;
  e << YAML::Flow << n;
  out.emplace_back(prefix, e.c_str());
}
}  // namespace

std::vector<std::pair<std::string, std::string>> ScenarioSource::settings() const {
  std::vector<std::pair<std::string, std::string>> out;
  flatten_yaml(YAML::Load(resolved_yaml_), "", out);
  return out;
}

std::string ScenarioSource::hash() const {
  return fmt::format("{:016x}", fnv1a64(resolved_yaml_));
}

}  // namespace wijksim
