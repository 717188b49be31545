// Stage 2 of reading a scenario (scenario_source.h): `extends` chains are resolved by merging located trees
// (maps merge key by key, lists and scalars replace, an empty value removes a key), so a value inherited from
// a parent file still points at the parent file; `comparator`, `targets` and `parameter_sets` paths become
// relative to the named file's directory.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "wijksim/scenario/yaml_tree.h"

namespace wijksim::loader {

inline constexpr std::uintmax_t kMaxFileBytes = 16u << 20;  // a scenario is a few kB
inline constexpr std::size_t kMaxExtends = 32;

// Reads a whole file, refusing what cannot be a scenario (directories, devices, huge files): false with
// the reason in `why`.
bool read_file(const std::filesystem::path& p, std::string& out, std::string& why);

// While one lives (the loading of one study or calibration), a file read again must hold what it held the
// first time, or the read fails ("it changed while wijksim read it"): one command never mixes two versions
// of one file. A comparison reads its comparator as the file its intervention extends and again as the
// comparator; an editor saving between the two reads made a difference out of the edit (outside attack 19).
// Scopes nest (the outermost counts); files read outside one are not checked (a calibration's output, read
// again on purpose to see what another command wrote meanwhile).
class SameContentsWhileLoading {
 public:
  SameContentsWhileLoading();
  ~SameContentsWhileLoading();
  SameContentsWhileLoading(const SameContentsWhileLoading&) = delete;
  SameContentsWhileLoading& operator=(const SameContentsWhileLoading&) = delete;
};

// What a file that is not text is, for a message in place of the errors of reading its bytes as YAML or CSV:
// "an SQLite database (a wijksim results store?)", "a binary file (it holds NUL bytes)", or "" for text.
std::string binary_kind(std::string_view text);

// The scenario of `text` (the file `file`) with its `extends` chain merged in; nullopt when a file of the
// chain cannot be read or parsed, or the chain has a cycle or is too long (the reason in `d`). `parents`,
// when given, receives the files the chain read, nearest first (not `file` itself). `merge_order`, when
// given, receives every file of the chain (`file` included) in the order their values were merged: a
// later file's value replaces an earlier one's.
std::optional<Node> resolve_extends(const std::string& text, const std::string& file, Diags& d,
                                    std::vector<std::string>* parents = nullptr,
                                    std::vector<std::string>* merge_order = nullptr);

}  // namespace wijksim::loader
