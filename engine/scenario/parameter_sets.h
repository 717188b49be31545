// A file of parameter sets: what `wijksim calibrate` writes, a sample of the calibrated parameters, and what
// a probabilistic sensitivity analysis draws from (a scenario's `parameter_sets:`, or `--parameters`). It is
// CSV: comment lines starting with '#' first (how the sets were made), then the header
// `set,<key path>,<key path>,...`, then one row per set: its number and one value per key path
// (scenarios/README.md, "Parameter sets").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "wijksim/core/error.h"
#include "wijksim/scenario/key_value.h"

namespace wijksim {

struct ParameterSets {
  std::string path;
  std::vector<std::string> keys;                  // the key paths, in the header's order
  std::vector<Location> key_where;                // each key's column in the header
  std::vector<int> numbers;                       // each row's set number, as written
  std::vector<std::vector<double>> rows;          // rows[k][j]: set k's value of keys[j]
  std::vector<std::vector<Location>> cell_where;  // where each value is written
  std::string content_hash;                       // FNV-1a 64 of the keys and values read, 16 hex digits

  std::size_t size() const { return rows.size(); }
  // Set k's values, each located where it is written.
  std::vector<KeyValue> values(std::size_t k) const;
};

// Reads a sets file. Throws InputError listing every problem with its line and column.
ParameterSets read_parameter_sets(const std::string& path);

// The text of a sets file: `comments` (without their '#'), the header, and the rows numbered from 1. Values
// in their shortest exact form, so the file reads back to the same numbers.
std::string format_parameter_sets(const std::vector<std::string>& comments,
                                  const std::vector<std::string>& keys,
                                  const std::vector<std::vector<double>>& rows);

// The set (0 .. sets - 1) parameter draw `draw` takes: a uniform pick on Stream::ParameterSet of the draw's
// streams, a pure function of (seed, draw), so every scenario of a study that reads the same sets file
// takes the same set in the same draw (common parameter draws).
std::size_t parameter_set_of_draw(std::uint64_t seed, std::uint32_t draw, std::size_t sets);

}  // namespace wijksim
