#include "wijksim/cluster/run_codec.h"

#include <type_traits>

namespace wijksim::cluster {

static_assert(std::is_trivially_copyable_v<WeekRecord>, "WeekRecord goes as it is in memory");
static_assert(std::is_trivially_copyable_v<HouseholdMeasures>, "HouseholdMeasures goes as it is in memory");
// RunResult goes field by field: a field added to it must be added to write_runs and read_runs below (and
// to the round-trip test, tests/cluster_test.cpp), or it would be lost on its way to rank 0. This catches it
// on the project's platform (x86-64, libstdc++).
static_assert(sizeof(void*) != 8 || sizeof(RunResult) == 272,
              "RunResult changed: carry the new field in write_runs and read_runs, then update this size");

void write_runs(ByteWriter& w, std::span<const RunResult> runs) {
  w.put<std::uint64_t>(runs.size());
  for (const RunResult& r : runs) {
    w.put(r.draw);
    w.put(r.replication);
    w.put(r.initial);
    w.put_vector(r.weeks);
    w.put_vector(r.team_caseload_per_fte);
    w.put(r.teams);
    w.put<std::uint64_t>(r.trace.size());
    for (const TraceEvent& e : r.trace) {
      w.put(e.week);
      w.put_string(e.what);
      w.put(e.kind);
      w.put(e.cost);
    }
    w.put_vector(r.happened);
    w.put(r.checksum);
    w.put(r.households_stepped);
  }
}

std::vector<RunResult> read_runs(ByteReader& in) {
  const auto n = in.get<std::uint64_t>();
  if (n > in.rest().size()) throw Error("a message from another rank is cut short");
  std::vector<RunResult> runs(static_cast<std::size_t>(n));
  for (RunResult& r : runs) {
    r.draw = in.get<std::uint32_t>();
    r.replication = in.get<std::uint32_t>();
    r.initial = in.get<HouseholdMeasures>();
    r.weeks = in.get_vector<WeekRecord>();
    r.team_caseload_per_fte = in.get_vector<float>();
    r.teams = in.get<int>();
    const auto events = in.get<std::uint64_t>();
    if (events > in.rest().size()) throw Error("a message from another rank is cut short");
    r.trace.resize(static_cast<std::size_t>(events));
    for (TraceEvent& e : r.trace) {
      e.week = in.get<int>();
      e.what = in.get_string();
      e.kind = in.get<TraceEvent::Kind>();
      e.cost = in.get<Cents>();
    }
    r.happened = in.get_vector<std::uint16_t>();
    r.checksum = in.get<std::uint64_t>();
    r.households_stepped = in.get<std::int64_t>();
  }
  return runs;
}

void write_failure(ByteWriter& w, const RunFailure& f) {
  w.put<std::uint64_t>(f.job());
  w.put(f.request().seed);
  w.put(f.request().draw);
  w.put(f.request().replication);
  w.put<std::uint8_t>(f.internal() ? 1 : 0);
  w.put_string(f.reason());
}

RunFailure read_failure(ByteReader& in) {
  const auto job = in.get<std::uint64_t>();
  RunRequest request;
  request.seed = in.get<std::uint64_t>();
  request.draw = in.get<std::uint32_t>();
  request.replication = in.get<std::uint32_t>();
  const bool internal = in.get<std::uint8_t>() != 0;
  return RunFailure(static_cast<std::size_t>(job), request, in.get_string(), internal);
}

Bytes encode_runs(std::span<const RunResult> runs) {
  ByteWriter w;
  write_runs(w, runs);
  return w.take();
}

std::vector<RunResult> decode_runs(std::span<const std::byte> bytes) {
  ByteReader in(bytes);
  std::vector<RunResult> runs = read_runs(in);
  in.expect_end();
  return runs;
}

}  // namespace wijksim::cluster
