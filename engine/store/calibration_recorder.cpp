#include "wijksim/store/calibration_recorder.h"

#include <fmt/format.h>

#include <algorithm>

#include "wijksim/core/output_path.h"
#include "wijksim/store/scenario_record.h"

namespace wijksim {

CalibrationRecorder::CalibrationRecorder(const CalibrationPlan& plan, const std::string& store,
                                         const std::string& command_line, std::optional<std::int64_t> resume)
    : RunWriter(store, resume.has_value()), plan_(plan) {
  const Scenario base = plan.source.base();
  if (resume) {
    take_over(*resume);  // one live writer per run
    // Its own rows as it began (its seed, targets or households changed by hand; outside attack 54).
    store_.check_identity(run_id_);
    const RunInfo info = store_.run(run_id_);
    std::vector<std::string> differences;
    if (info.command != "calibrate") {
      differences.push_back(
          fmt::format("it was started by `wijksim {}`, not `wijksim calibrate`", info.command));
    } else {
      // A complete calibration is resumed too: every candidate is in the store, none is simulated again,
      // and its parameter sets are written again (an --output refused after the calibration lost them).
      const std::vector<StoredScenario> before = store_.scenarios(run_id_);
      const bool same = before.size() == 1 && before[0].hash == plan.source.hash();
      if (!same)
        // Another file is not a changed one (outside attack 41).
        differences.push_back(
            before.size() == 1 && !same_file(before[0].file, plan.source.path())
                ? fmt::format("it calibrated the scenario {}, not {}", before[0].file, plan.source.path())
                : fmt::format("the scenario {} has changed since", plan.source.path()));
      const StoredCalibration c = store_.calibration(run_id_);
      if (c.targets_hash != plan.file.content_hash)  // another file, as the scenario's (outside attack 43)
        differences.push_back(
            !c.targets_file.empty() && !same_file(c.targets_file, plan.file.path)
                ? fmt::format("it was fitted to the targets file {}, not {}", c.targets_file, plan.file.path)
                : fmt::format("the targets file {} has changed since", plan.file.path));
      if (info.seed != plan.seed) differences.push_back(fmt::format("its seed is {}", info.seed));
      if (before.size() == 1)
        stored_files_ =
            CalibrationFiles{before[0].file, c.targets_file.empty() ? plan.file.path : c.targets_file};
    }
    if (!differences.empty()) {
      std::string why;
      for (const std::string& d : differences) why += (why.empty() ? "" : "; ") + d;
      throw InputError({{Location{store, 0, 0}, "--resume",
                         fmt::format("run {} cannot be resumed by this command: {}. It was started as: `{}`",
                                     run_id_, why, info.command_line)}});
    }
    // Only candidates as they were stored (a seal each); one whose seal was removed is evaluated again.
    reevaluated_ = store_.discard_unsealed_candidates(run_id_);
    // Back by name, in the order of the free parameters and targets.
    for (const StoredCandidate& s : store_.candidates(run_id_)) {
      CandidateRecord r;
      r.index = s.candidate;
      r.round = s.round;
      r.log_likelihood = s.log_likelihood;
      r.rejected = s.rejected;
      for (const FreeParameter& p : plan.file.free) {
        auto it = std::find_if(s.parameters.begin(), s.parameters.end(),
                               [&](const auto& x) { return x.first == p.key_path; });
        if (it == s.parameters.end())
          throw Error(fmt::format("results store '{}': candidate {} of run {} has no value of {}", store,
                                  s.candidate, run_id_, p.key_path));
        r.parameters.push_back(it->second);
      }
      for (const CalibrationTarget& t : plan.targets) {
        auto it = std::find(s.targets.begin(), s.targets.end(), t.key);
        const bool found = it != s.targets.end();
        if (!found && !s.rejected)
          throw Error(fmt::format("results store '{}': candidate {} of run {} has no figure of target {}",
                                  store, s.candidate, run_id_, t.key));
        const auto i = static_cast<std::size_t>(it - s.targets.begin());
        r.model.push_back(found ? s.model[i] : kNaN);
        r.model_se.push_back(found ? s.model_se[i] : kNaN);
      }
      completed_.emplace(r.index, std::move(r));
    }
    // A complete run keeps its status: a signal while its sets are written again leaves it complete.
    already_complete_ = info.status == "complete";
    if (!already_complete_) resuming();
    return;
  }
  RunInfo info;
  info.version = WIJKSIM_VERSION;
  info.seed = plan.seed;
  info.command = "calibrate";
  info.command_line = command_line;
  info.replications = plan.settings.replications;
  info.years = plan.settings.years;
  // Its households are the scenario's; the candidates' own are the calibration's.
  StoredScenario st = scenario_record(base, plan.source);
  st.role = "scenario";
  const StoredCalibration c{plan.file.path, plan.file.content_hash, plan.households};
  run_id_ = store_.begin_run(info, {st}, payer_labels(base), agency_labels(base), &lock_, &c);
}

CandidateSink CalibrationRecorder::sink() {
  return [this](const CandidateRecord& r) {
    StoredCandidate s;
    s.candidate = r.index;
    s.round = r.round;
    s.log_likelihood = r.log_likelihood;
    s.rejected = r.rejected;
    for (std::size_t j = 0; j < plan_.file.free.size(); ++j)
      s.parameters.emplace_back(plan_.file.free[j].key_path, r.parameters[j]);
    for (const CalibrationTarget& t : plan_.targets) s.targets.push_back(t.key);
    s.model = r.model;
    s.model_se = r.model_se;
    store_.write_candidate(run_id_, s);
  };
}

void CalibrationRecorder::complete(const std::vector<std::pair<std::string, std::string>>& reports) {
  if (!already_complete_) store_.complete_run(run_id_, {}, reports);
  settled();
}

}  // namespace wijksim
