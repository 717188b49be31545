// Stage 1 of reading a scenario (scenario_source.h): YAML text, parsed by yaml-cpp, becomes a plain tree in
// which every key and value keeps its file, line and column, so that any later message can say where.
#pragma once

#include <yaml-cpp/emitter.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wijksim/core/error.h"
#include "wijksim/scenario/diagnostics.h"

namespace wijksim::loader {

struct Node {
  enum class Kind { Null, Scalar, List, Map };
  Kind kind = Kind::Null;
  std::string text;               // Scalar
  // A scalar written in quotes ("2", 'yes'): YAML's text, so never read as a number or as true/false.
  bool quoted = false;
  std::vector<Node> children;     // List items, or Map values (parallel to keys)
  std::vector<std::string> keys;  // Map keys, in document order
  std::vector<Location> key_where;
  Location where;
  // Keys an extending file removed with an empty value (`key: ~`), where it did: a required key missing
  // for that reason is said so (it was "missing required key" at the map).
  std::vector<std::pair<std::string, Location>> removed;

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

// Whether the top of a file is a targets file's, not a scenario's: its `targets:` is a map of targets (a
// scenario's names a file) and it has no name. Read where a scenario is expected: as the file itself, or as
// a file it extends.
inline bool is_targets_file(const Node& top) {
  const Node* t = top.is(Node::Kind::Map) ? top.get("targets") : nullptr;
  return t != nullptr && t->is(Node::Kind::Map) && top.get("name") == nullptr;
}

// How a value is named in "found ...": "'abc'", "a list", "a map", "nothing (an empty value)".
std::string found(const Node& n);

// The one YAML document of `text` as a located tree whose top is a map; nullopt (with the reason in `d`)
// for a syntax error, several documents, an empty file, a tree too deep or too large, or a top that is not
// a map. `kind` names what the file is to be in those messages: a targets file's said "expected a scenario".
enum class YamlFile { Scenario, Targets };
std::optional<Node> parse_yaml(const std::string& text, const std::string& file, Diags& d,
                               YamlFile kind = YamlFile::Scenario);

// The tree as YAML text: maps in block style, lists of numbers and distributions in flow style.
void emit(YAML::Emitter& out, const Node& n);

}  // namespace wijksim::loader
