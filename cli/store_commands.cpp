// What a results store holds, read without simulating: wijksim runs, show, export and report.
#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <string>
#include <vector>

#include "command_support.h"
#include "commands.h"
#include "console.h"
#include "interrupts.h"
#include "shell_words.h"
#include "terminal.h"
#include "wijksim/core/command_line.h"
#include "wijksim/core/dutch_numbers.h"
#include "wijksim/report/html_report.h"
#include "wijksim/report/render.h"
#include "wijksim/report/run_series.h"
#include "wijksim/report/text_layout.h"
#include "wijksim/scenario/scenario_source.h"
#include "wijksim/store/run_lock.h"
#include "wijksim/store/run_store.h"

namespace wijksim::cli {
namespace {

// `head` followed by `text`, broken at its spaces where the next word would pass `width` columns (display
// columns: a name may hold UTF-8); each later line starts with `indent` spaces. A word wider than a whole
// line (a name of 200 characters) is cut at the width, as the tables cut it: whole, it ran past 120
// columns (outside attack 43).
std::string head_and_words(const std::string& head, const std::string& text, std::size_t indent,
                           std::size_t width) {
  std::string out = head;
  std::size_t column = display_width(head);
  bool first = true;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    std::string word = text.substr(start, end - start);
    start = end + 1;
    if (word.empty()) continue;
    const std::size_t gap = first ? 0 : 1;
    if (width > indent + 1 && display_width(word) > width - indent) {
      // Too wide for any line: its first part fills this line (or the next, when little is left here), the
      // rest follows on lines of its own.
      if (column + gap + 1 > width) {
        while (out.back() == ' ') out.pop_back();
        out += "\n" + std::string(indent, ' ');
        column = indent;
      } else if (gap > 0) {
        out += ' ';
        ++column;
      }
      while (display_width(word) > width - column) {
        const std::string part = text::cut(word, width - column).front();  // what fills this line
        out += part + "\n" + std::string(indent, ' ');
        word.erase(0, part.size());
        column = indent;
      }
      out += word;
      column += display_width(word);
      first = false;
      continue;
    }
    if (column + gap + display_width(word) > width && column > indent) {
      while (out.back() == ' ') out.pop_back();  // the head's own trailing space ("compare: ")
      out += "\n" + std::string(indent, ' ');
      column = indent;
    } else if (gap > 0) {
      out += ' ';
      ++column;
    }
    out += word;
    column += display_width(word);
    first = false;
  }
  return out;
}

// The files the stored run's scenarios read, as far as they still load from the names the run was given
// (the files they extend, their targets and parameter sets): a report never replaces them either.
std::vector<KeptFile> inputs_of_stored_run(const std::string& store_path, std::int64_t run) {
  std::vector<KeptFile> kept;
  try {
    const RunStore store = RunStore::open(store_path, RunStore::Mode::ReadOnly);
    for (const StoredScenario& sc : store.scenarios(run)) {
      try {
        const ScenarioSource source = ScenarioSource::load(sc.file);
        for (const SourceFile& f : source.files())
          kept.push_back({f.path, fmt::format("{} (run {})", what_it_is(f.role, sc.name), run)});
      } catch (const Error&) {
        // A scenario that no longer loads: write_html_report keeps its own file.
      }
    }
  } catch (const Error&) {
    // No such store or run: write_html_report says so.
  }
  return kept;
}

}  // namespace

int runs_command(const Options& o) {
  const RunStore store = RunStore::open(o.store, RunStore::Mode::ReadOnly);
  const auto runs = store.runs();
  if (runs.empty()) cli::out("{} holds no runs\n", o.store);
  // The stored command line, indented by 10 and broken at its words to the output's width (at most 120
  // columns, as the tables) so that a shell still reads it back whole.
  const std::size_t width = std::min<std::size_t>(cli::output_width(stdout), 120);
  // A damaged run is listed as such and the others as they are; the command then fails with the first
  // damage (exit 1), as reading that run would.
  std::exception_ptr first_damage;
  for (const RunInfo& r : runs) {
    std::string names;
    try {
      store.refuse_damaged(r);
      store.check_shown(r.id);  // what show reads first: a complete run is listed as show would print it
      for (const StoredScenario& s : store.scenarios(r.id))
        if (s.role != "comparator") names += (names.empty() ? "" : ", ") + s.name;
    } catch (const InputError& e) {
      if (!first_damage) first_damage = std::current_exception();
      cli::out("{}\n",
               head_and_words(
                   fmt::format("run {:>4}  {}  damaged: ", r.id, r.started_at),
                   r.damage.empty()
                       ? std::string("its stored rows are not those wijksim wrote (the error below says how)")
                       : r.damage,
                   10, width));
      continue;
    }
    const std::string command_line = cli::wrap_shell_line(printable(r.command_line), 10, width);
    // The header and the progress, broken to the width at their words as the command line is.
    const std::string header =
        head_and_words(fmt::format("run {:>4}  {}  {:<11}  {}: ", r.id, r.started_at, r.status, r.command),
                       names, 10, width);
    const std::string done = r.command == "calibrate"
                                 ? fmt::format("{}, {} replication{}", progress_of(r), r.replications,
                                               r.replications == 1 ? "" : "s")
                             : r.draws == 0 ? progress_of(r)
                                            : fmt::format("{}, {} replication{} each", progress_of(r),
                                                          r.replications, r.replications == 1 ? "" : "s");
    const std::string progress = head_and_words(
        std::string(10, ' '),
        fmt::format("{}, {} year{}, seed {}", done, r.years, r.years == 1 ? "" : "s", r.seed), 10, width);
    cli::out("{}\n{}\n          {}\n", header, progress, command_line);
    // "running" is what the store says; whether a process still writes it is the run's lock (run_lock.h).
    if (r.status == "running" && !RunLock::held(o.store, r.id))
      // A writer paused while its lock file was removed holds no lock that can be seen, but writes the run
      // no more when it goes on (RunLock::keep): "it was killed" said of a live one (outside attack 59).
      cli::out(
          "          no process is writing it any more (its writer was killed, or lost its lock file); "
          "`--resume {}` continues it\n",
          r.id);
  }
  if (first_damage) std::rethrow_exception(first_damage);
  return kOk;
}

int show_command(const Options& o) {
  check_sections_format(o);
  TextOptions text{cli::output_width(stdout), option_syntax([&] { return parse_sections(o.sections); })};
  const RunStore store = RunStore::open(o.store, RunStore::Mode::ReadOnly);
  if (o.format == "table" && text.glance()) text.at_the_end = at_the_end(store, o.run_id);
  // The table format is drawn again from the stored JSON, for this terminal's width and sections.
  if (o.format == "table")
    cli::write_out(render_table(report_from_json(store.report(o.run_id, "json")), text));
  else
    cli::write_out(store.report(o.run_id, o.format));
  return kOk;
}

int export_command(const Options& o) {
  // Said whole, as report says it (an outside attack: "interrupted" alone). The files are put in place as a
  // set: interrupted before, the directory holds what it held; while they are moved, the move is finished
  // first and said so instead (interrupts.cpp, exit_now); once they are in place, a signal is passed over.
  (void)cli::Interrupts::at_once(
      fmt::format("interrupted; nothing was exported into {} (files of an earlier export there are kept as "
                  "they were)",
                  printable(o.csv_dir)));
  const RunStore store = RunStore::open(o.store, RunStore::Mode::ReadOnly);
  const std::vector<std::string> files = store.export_csv(o.run_id, o.csv_dir);
  cli::Interrupts::outputs_written();  // in place: "nothing was exported" no longer holds (a review)
  std::string list;
  for (const std::string& f : files) list += (list.empty() ? "" : ", ") + f;
  cli::err("wrote {} to {}\n", list, shown_name(o.csv_dir));
  return kOk;
}

int report_command(const Options& o) {
  const std::string path = o.output.value_or(fmt::format("report-{}.html", o.run_id));
  refuse_report_as_store(path, "--output");
  // Said whole: "interrupted" alone left the user to guess whether an earlier report of that name survived
  // (outside attack 48). The page is renamed into place, so it did.
  (void)cli::Interrupts::at_once(
      fmt::format("interrupted; {} was not written (a file of that name already there is kept as it was)",
                  printable(path)));
  try {
    write_html_report(o.store, o.run_id, path, o.output ? "--output" : "report",
                      inputs_of_stored_run(o.store, o.run_id));
  } catch (const InputError& e) {
    // A store or run that cannot be reported (print_input_error would say nothing was simulated).
    for (const Diagnostic& d : e.diagnostics()) cli::err("{}\n", d.to_string());
    return kBadInput;
  }
  cli::err("wrote {}\n", shown_name(path));
  return kOk;
}

}  // namespace wijksim::cli
