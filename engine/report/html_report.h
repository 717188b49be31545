// The report a steering group reads: one self-contained HTML file of a completed run of the results store
// (`wijksim report RUN`, `wijksim compare ... --report FILE`). It opens with no network: the charting
// libraries (report_assets.h) and every number are inside the file.
//
// Per scenario compared with its comparator it shows the budget effect (who pays, who saves; when it pays
// back; each payer's cost per year), the coaches' caseload and waits, the agencies' waits, the households'
// problems, professionals (next to the seeds' survey), escalations and ladder rungs, the cost-effectiveness
// plane and, per decision, the acceptability curve; then what the scenario assumed and how to reproduce the
// run. Figures that a stored table holds (the run's JSON report) are taken from it as they are; series
// over time are summarised from the raw weekly rows in one place, run_series.h. The charts are Vega-Lite
// specifications (report_charts.h) drawn in the browser by vega-embed.
#pragma once

#include <cstdint>
#include <string>

#include "wijksim/core/output_path.h"
#include "wijksim/store/run_store.h"

namespace wijksim {

// The page of run `run`. Throws InputError (bad input: the user named the run) when the store has no such
// run or the run is not complete, and Error when the store cannot be read.
std::string html_report(const RunStore& store, std::int64_t run);

// Opens the store read-only, renders the run and writes `path` atomically: to a temporary file next to it,
// then renamed, so a reader never sees half a report and a failure leaves an older file as it was.
// `path` may be only what an output may be (core/output_path.h): never the store, nor one of `kept`, nor a
// scenario file the run was made from;
// `option` names it in messages. Throws InputError when `path` may not be written, when there is no store
// at `store_path` or the run is unknown or not complete, and Error when the report cannot be written.
void write_html_report(const std::string& store_path, std::int64_t run, const std::string& path,
                       const std::string& option = "--output", std::vector<KeptFile> kept = {});

}  // namespace wijksim
