// Help text (`wijksim --help`, `wijksim compare --help`) laid out for the terminal: CLI11 prints each
// description on one line however long, so a line of `compare --help` ran to 222 columns. This formatter
// wraps descriptions, the subcommand list and footers at word boundaries to the output's width (at most
// 120 columns, as the tables), and names what an option takes in words: "N (1 to 200)", "FILE",
// "table|csv|json" instead of CLI11's "INT:INT in [1 - 200]" and "TEXT:{table,csv,json}".
#pragma once

#include <CLI/CLI.hpp>

#include <cstddef>
#include <memory>

namespace wijksim::cli {

class HelpFormatter : public CLI::Formatter {
 public:
  explicit HelpFormatter(std::size_t width);
  std::string make_option_desc(const CLI::Option* opt) const override;
  std::string make_option_opts(const CLI::Option* opt) const override;
  std::string make_description(const CLI::App* app) const override;
  std::string make_footer(const CLI::App* app) const override;
  std::string make_subcommand(const CLI::App* sub) const override;

 private:
  // `text` wrapped to the description column's width, its lines joined by '\n' (CLI11 indents each).
  std::string wrapped(const std::string& text) const;
  std::size_t width_;
};

// The formatter for help printed to stdout now.
std::shared_ptr<HelpFormatter> help_formatter();

}  // namespace wijksim::cli
