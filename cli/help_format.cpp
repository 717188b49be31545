#include "help_format.h"

#include <algorithm>
#include <sstream>

#include "terminal.h"
#include "wijksim/report/text_layout.h"

namespace wijksim::cli {

HelpFormatter::HelpFormatter(std::size_t width) : width_(width) {
  column_width(30);
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
