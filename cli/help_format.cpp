#include "help_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "terminal.h"
#include "wijksim/report/text_layout.h"

namespace wijksim::cli {

HelpFormatter::HelpFormatter(std::size_t width) : width_(width) {
  column_width(width < 60 ? width / 2 : 30);  // a narrow terminal keeps room for the descriptions
}

std::string HelpFormatter::wrapped(const std::string& text) const {
  const std::size_t room = width_ > column_width_ + 20 ? width_ - column_width_ : 20;
  std::string out;
  std::istringstream paragraphs(text);
  std::string paragraph;
  bool first = true;
  while (std::getline(paragraphs, paragraph)) {  // a description's own line breaks are kept
    for (const std::string& line : text::wrap_lines(paragraph, room)) {
      if (!first) out += '\n';
      out += line;
      first = false;
    }
    if (paragraph.empty()) {
      if (!first) out += '\n';
      first = false;
    }
  }
  return out;
}

std::string HelpFormatter::make_option_desc(const CLI::Option* opt) const {
  return wrapped(opt->get_description());
}

namespace {

// What an option takes, from CLI11's type name ("INT:INT in 1..200", "UINT:INT in
// 0..18446744073709551615", "TEXT:{table,csv,json}", "TEXT") and the option's name: a number as N with its
// range (an upper bound past 10^12, a seed's 2^64 - 1 or a run number's 2^63 - 1, left unsaid: "from 0"; a
// billion draws shown, as --draws refuses past it), a choice as its words,
// a file as FILE.
std::string what_it_takes(const CLI::Option* opt) {
  const std::string type = opt->get_type_name();
  const std::size_t colon = type.find(':');
  const std::string base = type.substr(0, colon),
                    rule = colon == std::string::npos ? "" : type.substr(colon + 1);
  if (base == "INT" || base == "UINT") {
    // whole_number (options.cpp) writes "INT in lo..hi", read unsigned (%lld clamps 2^64 - 1 to 2^63 - 1).
    unsigned long long lo = 0, hi = 0;
    if (std::sscanf(rule.c_str(), "INT in %llu..%llu", &lo, &hi) == 2) {
      if (hi >= 1000000000000ULL) return fmt::format("N (from {})", lo);
      return fmt::format("N ({} to {})", lo, hi);
    }
    return base == "UINT" ? "N" : "INT";
  }
  if (base == "TEXT" && rule.size() > 2 && rule.front() == '{' && rule.back() == '}') {
    std::string words = rule.substr(1, rule.size() - 2);
    std::replace(words.begin(), words.end(), ',', '|');
    return words;
  }
  if (base == "TEXT" && !rule.empty() && rule.find(' ') == std::string::npos) return rule;  // a named check
  if (base == "FLOAT") return "NUMBER";
  const std::string name = opt->get_name(false, true);
  if (name == "--parameter") return "KEY";
  for (const char* file : {"--output", "--store", "--report", "--parameter-sets", "scenario"})
    if (name.find(file) != std::string::npos) return "FILE";
  if (name.find("--csv") != std::string::npos) return "DIR";
  return type;
}

}  // namespace

std::string HelpFormatter::make_option_opts(const CLI::Option* opt) const {
  if (!opt->get_option_text().empty() || opt->get_type_size() == 0)
    return CLI::Formatter::make_option_opts(opt);
  std::string out = " " + what_it_takes(opt);
  if (!opt->get_default_str().empty()) out += "=" + opt->get_default_str();
  if (opt->get_expected_max() == CLI::detail::expected_max_vector_size)
    out += " ...";
  else if (opt->get_expected_min() > 1)
    out += " x " + std::to_string(opt->get_expected());
  if (opt->get_required()) out += " REQUIRED";
  return out;
}

std::string HelpFormatter::make_description(const CLI::App* app) const {
  const std::string d = app->get_description();
  if (d.empty()) return "";
  return text::wrap(d, width_, "", "") + "\n";
}

std::string HelpFormatter::make_footer(const CLI::App* app) const {
  const std::string f = app->get_footer();
  if (f.empty()) return "";
  std::string out;
  std::istringstream lines(f);
  std::string line;
  while (std::getline(lines, line)) out += (line.empty() ? std::string() : text::wrap(line, width_, "", "  ")) + "\n";
  return out;
}

std::string HelpFormatter::make_subcommand(const CLI::App* sub) const {
  std::stringstream out;
  CLI::detail::format_help(out, sub->get_display_name(true), wrapped(sub->get_description()), column_width_);
  return out.str();
}

std::shared_ptr<HelpFormatter> help_formatter() {
  return std::make_shared<HelpFormatter>(std::min<std::size_t>(output_width(stdout), 120));
}

}  // namespace wijksim::cli
