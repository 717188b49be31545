// A unit's runs as bytes, to send from the rank that simulated them to rank 0, and back into RunResults
// equal to the originals field for field (so the figures, the store and the report are byte-identical to
// one process). WeekRecord and HouseholdMeasures are trivially copyable and go as they are in memory;
// vectors go as a length and their elements.
#pragma once

#include <span>
#include <vector>

#include "wijksim/cluster/bytes.h"
#include "wijksim/cluster/world.h"
#include "wijksim/simulation/experiment.h"
#include "wijksim/simulation/run_result.h"

namespace wijksim::cluster {

void write_runs(ByteWriter& w, std::span<const RunResult> runs);
// Throws Error when the bytes are not what write_runs wrote.
std::vector<RunResult> read_runs(ByteReader& in);

// A run that threw on another rank, to be rethrown on rank 0 as it would be in one process (the command
// then prints the same replay line).
void write_failure(ByteWriter& w, const RunFailure& failure);
RunFailure read_failure(ByteReader& in);

Bytes encode_runs(std::span<const RunResult> runs);
std::vector<RunResult> decode_runs(std::span<const std::byte> bytes);  // the whole of `bytes`

}  // namespace wijksim::cluster
