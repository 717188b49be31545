#include "wijksim/scenario/extends.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <system_error>
#include <utility>

#include "wijksim/core/content_hash.h"
#include "wijksim/core/file_path.h"
#include "wijksim/core/units.h"
#include "wijksim/scenario/parameter_reader.h"

namespace wijksim::loader {

namespace fs = std::filesystem;

std::string binary_kind(std::string_view text) {
  if (text.starts_with(std::string_view("SQLite format 3\0", 16)))
    return "an SQLite database (a wijksim results store?)";
  // A byte-order mark of UTF-32 or UTF-16 (a spreadsheet's "Unicode text"): the file is text, in another
  // encoding. UTF-32's little-endian mark begins with UTF-16's, so it is looked for first (outside attack
  // 29).
  if (text.starts_with(std::string_view("\xFF\xFE\0\0", 4)) ||
      text.starts_with(std::string_view("\0\0\xFE\xFF", 4)))
    return "UTF-32 text (save it as UTF-8)";
  if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) return "UTF-16 text (save it as UTF-8)";
  if (text.find('\0') != std::string_view::npos) return "a binary file (it holds NUL bytes)";
  return "";
}

namespace {

// Whether two paths name the same file, links followed (a name and a symbolic link to it).
bool same_file(const fs::path& a, const fs::path& b) {
  std::error_code ea, eb;
  const fs::path ra = fs::weakly_canonical(a, ea), rb = fs::weakly_canonical(b, eb);
  return ea || eb ? a == b : ra == rb;
}

fs::path identity(const fs::path& p) {
  std::error_code ec;
  fs::path a = fs::absolute(p, ec);
  return normal_path(ec ? p : a);
}

// The contents' hashes of the files read while loading, by absolute path (SameContentsWhileLoading).
struct ReadRecord {
  std::mutex mutex;
  int scopes = 0;
  std::map<std::string, std::string> hash_of;
};

ReadRecord& read_record() {
  static ReadRecord r;
  return r;
}

// False, with the reason, when `p` was read before in this loading and held other contents.
bool same_as_before(const fs::path& p, std::string_view contents, std::string& why) {
  ReadRecord& r = read_record();
  const std::lock_guard lock(r.mutex);
  if (r.scopes == 0) return true;
  const std::string key = identity(p).string();
  const std::string hash = content_hash(contents);
  const auto [it, first] = r.hash_of.emplace(key, hash);
  if (first || it->second == hash) return true;
  why =
      "it changed while wijksim read it (this command reads it more than once, and its contents differed): "
      "run the command again once the file is saved";
  return false;
}

}  // namespace

SameContentsWhileLoading::SameContentsWhileLoading() {
  ReadRecord& r = read_record();
  const std::lock_guard lock(r.mutex);
  ++r.scopes;
}

SameContentsWhileLoading::~SameContentsWhileLoading() {
  ReadRecord& r = read_record();
  const std::lock_guard lock(r.mutex);
  if (--r.scopes == 0) r.hash_of.clear();
}

bool read_file(const fs::path& p, std::string& out, std::string& why) {
  std::error_code ec;
  auto st = fs::status(p, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    // A loop of symbolic links, a name too long, a part of the path that is not a directory: say which.
    why = ec == std::errc::too_many_symbolic_link_levels
              ? "a loop of symbolic links (the name never leads to a file)"
          : ec == std::errc::filename_too_long
              ? "the name is too long (at most 255 bytes for one name and 4,096 for a whole path)"
              : ec.message();
    return false;
  }
  if (ec || !fs::exists(st)) {
    std::error_code lec;
    why = fs::is_symlink(fs::symlink_status(p, lec)) ? "a symbolic link to nothing" : "no such file";
    return false;
  }
  if (!fs::is_regular_file(st)) {
    why = "not a regular file";
    return false;
  }
  auto size = fs::file_size(p, ec);
  if (!ec && size > kMaxFileBytes) {
    why = fmt::format("the file is {}; a scenario or a file it reads is at most a few MB (limit {})",
                      format_bytes(static_cast<double>(size)),
                      format_bytes(static_cast<double>(kMaxFileBytes)));
    return false;
  }
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    why = std::error_code(errno, std::generic_category()).message();
    return false;
  }
  // Read as much as is there, up to one byte past the limit (the size above may have changed since, or be
  // unknown for a file the kernel makes up as it is read). A buffer of the limit's size, zeroed for every
  // file, took 0.4 of the 0.9 seconds `validate` took on the city's files.
  std::string s;
  char chunk[1 << 16];
  while (s.size() <= kMaxFileBytes && in.read(chunk, sizeof chunk).gcount() > 0)
    s.append(chunk, static_cast<std::size_t>(in.gcount()));
  if (s.size() > kMaxFileBytes) {
    why = fmt::format("the file is larger than {}", format_bytes(static_cast<double>(kMaxFileBytes)));
    return false;
  }
  if (!same_as_before(p, s, why)) return false;
  out = std::move(s);
  return true;
}

namespace {

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

// Whether `map` gives `key` a value (an empty value removes it instead).
bool gives(const Node& map, const std::string& key) {
  const int i = map.find(key);
  return i >= 0 && !map.children[static_cast<std::size_t>(i)].is(Node::Kind::Null);
}

// Stage 2: `over` (the extending file) merged onto `base` (its parent). Maps merge key by key; lists and
// scalars replace; a map with `dist` replaces (a new distribution); an empty value removes the key.
void merge_into(Node& base, Node&& over) {
  base.where = over.where;
  const bool dist_map = base.get("dist") != nullptr;
  // Inherited keys an alternative of this file replaced: the file may also remove one with `~`, before or
  // after the alternative (a map has no order; `capacity: 50` above `capacity_per_1000_households: ~` was
  // refused as removing a key no parent gives; outside attack 17).
  std::vector<std::string> replaced;
  for (std::size_t i = 0; i < over.keys.size(); ++i) {
    const std::string& key = over.keys[i];
    Node& v = over.children[i];
    for (const auto& group : alternative_groups()) {
      // A key removed (`~`) replaces nothing: its alternative, set in the same file, stays.
      if (v.is(Node::Kind::Null)) break;
      if (group[0][0] != "capacity" && !dist_map) continue;
      for (const auto& side : group) {
        if (std::find(side.begin(), side.end(), key) == side.end()) continue;
        for (const auto& other : group) {
          if (&other == &side) continue;
          for (const auto& k : other)
            // An alternative the same file gives too stays, so that the file is refused for giving both,
            // as a file that extends nothing is (outside attack 18: the later of the two won unseen).
            if (int j = base.find(k); j >= 0 && k != key && !gives(over, k)) {
              base.erase(static_cast<std::size_t>(j));
              replaced.push_back(k);
            }
        }
      }
    }
    int j = base.find(key);
    if (v.is(Node::Kind::Null) && j < 0 &&
        std::find(replaced.begin(), replaced.end(), key) != replaced.end()) {
      base.removed.emplace_back(key, over.key_where[i]);
      continue;
    }
    if (v.is(Node::Kind::Null) && j >= 0) {
      base.erase(static_cast<std::size_t>(j));
      base.removed.emplace_back(key, over.key_where[i]);
      continue;
    }
    if (j < 0) {
      base.keys.push_back(key);
      base.key_where.push_back(over.key_where[i]);
      base.children.push_back(std::move(v));
      continue;
    }
    Node& b = base.children[static_cast<std::size_t>(j)];
    // A map that names a `dist` is a new distribution; `dist: ~` removes the parent's instead (it replaced
    // the whole map, then was said to remove a key no parent gives; outside attack 18).
    if (b.is(Node::Kind::Map) && v.is(Node::Kind::Map) && !gives(v, "dist"))
      merge_into(b, std::move(v));
    else
      b = std::move(v);
    base.key_where[static_cast<std::size_t>(j)] = over.key_where[i];
  }
}

// Resolves `extends` chains and rewrites `comparator`, `targets` and `parameter_sets` to paths relative to
// the root file's directory.
class Resolver {
 public:
  Resolver(Diags& d, const std::string& root_file) : d_(d), root_dir_(identity(root_file).parent_path()) {}

  std::optional<Node> resolve(const std::string& text, const std::string& file, std::vector<std::string>* parents,
                              std::vector<std::string>* merge_order) {
    chain_.clear();
    order_.clear();
    parents_ = parents;
    std::optional<Node> out = resolve_file(text, file);
    if (merge_order) *merge_order = order_;
    return out;
  }

 private:
  std::string shown(const fs::path& id) const {
    fs::path rel = id.lexically_relative(root_dir_);
    return rel.empty() ? id.string() : rel.string();
  }
  // As shown, with where it leads when it is a symbolic link: a cycle through a link to a file of the chain
  // read "e7.yaml -> e7l.yaml -> e7l.yaml", a file seemingly extending itself (outside attack 45).
  std::string shown_link(const fs::path& id) const {
    std::error_code ec;
    if (!fs::is_symlink(id, ec)) return shown(id);
    const fs::path to = fs::read_symlink(id, ec);
    return ec ? shown(id) : fmt::format("{} (a link to {})", shown(id), to.string());
  }

  // `target` as a path from the root file's directory that the system resolves to the same file: lexical
  // where no link is in the way, else between the directories' real paths (a root file named through a
  // symlinked directory: "../" from the link's name is not "../" from where it points; outside attack 34).
  fs::path from_root(const fs::path& target) const {
    const fs::path rel = target.lexically_relative(root_dir_);
    std::error_code e1, e2, e3;
    if (rel.empty() || fs::weakly_canonical(root_dir_ / rel, e1) == fs::weakly_canonical(target, e2))
      return rel;
    const fs::path real_target = fs::weakly_canonical(target, e2),
                   real_root = fs::weakly_canonical(root_dir_, e3);
    if (e2 || e3) return rel;
    const fs::path real = real_target.lexically_relative(real_root);
    return real.empty() ? real_target : real;
  }

  std::optional<Node> resolve_file(const std::string& text, const std::string& file) {
    chain_.push_back(identity(file));  // the files being resolved, innermost last: a cycle shows here
    deepest_ = std::max(deepest_, chain_.size());
    std::optional<Node> root = parse_yaml(text, file, d_);
    if (!root) return std::nullopt;
    const fs::path dir = fs::path(file).parent_path();
    // Paths to other files are relative to the file that names them: made relative to the root's directory.
    // An absolute path names the same file from anywhere, and stays as written (/data/sets.csv was shown
    // as ../../../data/sets.csv).
    // A path longer than any text may be (4,096 bytes and more: no file has that name) is left as written,
    // for the schema to refuse (outside attack 26: a million characters of "./" tidied to a short path).
    // A name with a control character is refused: the system reads a name only up to a NUL, so
    // "baseline.yaml\0.evil" named baseline.yaml and was shown, stored and exported with the rest (outside
    // attack 40).
    for (const char* key : {"comparator", "targets", "parameter_sets"})
      if (Node* c = root->get(key); c && c->is(Node::Kind::Scalar) && !refused_name(*c, key) &&
                                    !c->text.empty() && c->text.size() <= kMaxText &&
                                    !fs::path(c->text).is_absolute()) {
        fs::path rel = from_root(identity(dir / c->text));
        if (!rel.empty()) c->text = rel.generic_string();
      }
    int e = root->find("extends");
    if (e < 0) {
      chain_.pop_back();
      note_merged(file);
      return root;
    }
    Node ext = std::move(root->children[static_cast<std::size_t>(e)]);
    root->erase(static_cast<std::size_t>(e));
    // One file, or a list merged left to right (a later file's values, inherited ones included, replace an
    // earlier's): a scale-up takes its coaches from the pilot and its population from the city.
    std::vector<const Node*> parents;
    if (ext.is(Node::Kind::Scalar) && !ext.text.empty()) {
      parents.push_back(&ext);
    } else if (ext.is(Node::Kind::List) && !ext.children.empty()) {
      for (const Node& c : ext.children) parents.push_back(&c);
    }
    const bool ok = !parents.empty() && std::all_of(parents.begin(), parents.end(), [](const Node* n) {
      return n->is(Node::Kind::Scalar) && !n->text.empty();
    });
    if (ok && std::any_of(parents.begin(), parents.end(),
                          [&](const Node* n) { return refused_name(*n, "extends"); }))
      return std::nullopt;
    if (!ok) {
      d_.add(ext.where, "extends",
             fmt::format("expected the file name of a scenario to extend, or a list of them, found {}",
                         found(ext)));
      return std::nullopt;
    }
    // A list of at most kMaxExtends files: 100,000 names of one file took half a minute to merge, each time
    // again (outside attack 53). (A file may be named twice: it counts where it is named last.)
    if (parents.size() > kMaxExtends) {
      d_.add(
          ext.where, "extends",
          fmt::format("a list of {} files to extend; at most {} may be given", parents.size(), kMaxExtends));
      return std::nullopt;
    }
    std::optional<Node> merged;
    for (const Node* name : parents) {
      std::optional<Node> parent = resolve_parent(*name, dir);
      if (!parent) return std::nullopt;
      if (!merged)
        merged = std::move(parent);
      else
        merge_into(*merged, std::move(*parent));
    }
    merge_into(*merged, std::move(*root));
    chain_.pop_back();
    note_merged(file);
    return merged;
  }

  // Whether the file name `n` holds a character a file name cannot be read with (said, at `key`).
  bool refused_name(const Node& n, const char* key) {
    const std::string hidden = unshown_characters(n.text, false);
    if (hidden.empty()) return false;
    d_.add(n.where, key, fmt::format("expected a file name that shows on one line: it has {}", hidden));
    return true;
  }

  std::optional<Node> resolve_parent(const Node& ext, const fs::path& dir) {
    const fs::path parent_file = normal_path(dir / ext.text);
    const fs::path parent_id = identity(parent_file);
    // The same file by its real path: a link to a file of the chain closes the cycle where it is named (the
    // chain went round once more, to the file after it, and was said at the link's own `extends`).
    if (std::any_of(chain_.begin(), chain_.end(),
                    [&](const fs::path& p) { return same_file(p, parent_id); })) {
      std::vector<std::string> names;
      for (const auto& p : chain_) names.push_back(shown_link(p));
      names.push_back(shown_link(parent_id));
      d_.add(ext.where, "extends", fmt::format("extends cycle: {}", join(names, " -> ")));
      return std::nullopt;
    }
    if (chain_.size() >= kMaxExtends) {
      d_.add(ext.where, "extends", fmt::format("extends chain longer than {} files", kMaxExtends));
      return std::nullopt;
    }
    // A file met again on another path (a list of parents that share an ancestor) resolves as it did the
    // first time: taken from `resolved_`, so that a lattice of files is read once each, not once per path
    // (2^n times for n levels of two parents each).
    if (auto it = resolved_.find(parent_id); it != resolved_.end()) {
      if (chain_.size() + it->second.height - 1 >= kMaxExtends) {
        d_.add(ext.where, "extends", fmt::format("extends chain longer than {} files", kMaxExtends));
        return std::nullopt;
      }
      if (parents_) parents_->push_back(parent_file.string());
      for (const std::string& f : it->second.merge_order) note_merged(f);
      return it->second.node;
    }
    std::string parent_text, why;
    if (parents_) parents_->push_back(parent_file.string());
    // Its own merge order, apart, for the next path that reaches it.
    std::vector<std::string> order_before = std::exchange(order_, {});
    const std::size_t depth = chain_.size(), deepest_before = deepest_;
    deepest_ = depth;
    std::optional<Node> node;
    if (read_file(parent_file, parent_text, why)) node = resolve_file(parent_text, parent_file.string());
    // A targets file (a map of targets under `targets:`, no name) is no scenario to extend: said once, as
    // a comparator's is, where eleven "missing required section" errors said it (outside attack 61).
    if (node && is_targets_file(*node)) {
      d_.add(ext.where, "extends",
             fmt::format("'{}' is a targets file (its 'targets:' is a map of calibration targets), not a "
                         "scenario to extend: a scenario names it with 'targets: FILE'",
                         ext.text));
      node.reset();
    }
    Resolved& r = resolved_[parent_id];
    r.height = std::max<std::size_t>(1, deepest_ - depth);
    deepest_ = std::max(deepest_, deepest_before);
    r.node = node;
    r.merge_order = std::exchange(order_, std::move(order_before));
    for (const std::string& f : r.merge_order) note_merged(f);
    if (!why.empty()) {
      const std::string full = parent_file.string();
      d_.add(ext.where, "extends",
             full == ext.text
                 ? fmt::format("cannot read the scenario to extend, '{}': {}", ext.text, why)
                 : fmt::format("cannot read the scenario to extend, '{}' ({}): {}", ext.text, full, why));
    }
    return node;
  }

  // `file`'s values were merged now: only a file's last merge counts (its values replace what came before),
  // so it is listed once, there (a lattice of files would otherwise list one 2^n times).
  void note_merged(const std::string& file) {
    std::erase(order_, file);
    order_.push_back(file);
  }

  // A file's resolution, for the next path that reaches it.
  struct Resolved {
    std::optional<Node> node;              // nothing when it could not be resolved (said the first time)
    std::vector<std::string> merge_order;  // its chain's files in the order their values were merged
    std::size_t height = 1;                // the files of the longest chain from it, itself included
  };

  Diags& d_;
  fs::path root_dir_;
  std::vector<fs::path> chain_;
  std::size_t deepest_ = 0;  // the longest chain_ while resolving the file at hand
  std::map<fs::path, Resolved> resolved_;
  std::vector<std::string>* parents_ = nullptr;
  std::vector<std::string> order_;  // the files merged so far, each at its last merge (note_merged)
};

}  // namespace

std::optional<Node> resolve_extends(const std::string& text, const std::string& file, Diags& d,
                                    std::vector<std::string>* parents, std::vector<std::string>* merge_order) {
  return Resolver(d, file).resolve(text, file, parents, merge_order);
}

}  // namespace wijksim::loader
