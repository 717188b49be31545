#include "wijksim/core/error.h"

#include <fmt/format.h>

namespace wijksim {

std::string Diagnostic::to_string() const {
  // A problem of the command line (an option's value) has no file: "error: --threshold: ...".
  std::string s = where.file;
  if (where.line > 0) s += fmt::format(":{}", where.line);
  if (where.column > 0) s += fmt::format(":{}", where.column);
  s += s.empty() ? "error: " : ": error: ";
  if (!key.empty()) s += fmt::format("{}: ", key);
  s += message;
  return s;
}

static std::string join_diagnostics(const std::vector<Diagnostic>& ds) {
  std::string s;
  for (const auto& d : ds) {
    if (!s.empty()) s += '\n';
    s += d.to_string();
  }
  return s;
}

InputError::InputError(std::vector<Diagnostic> diagnostics)
    : Error(join_diagnostics(diagnostics)), diagnostics_(std::move(diagnostics)) {}

void internal_failure(const char* file, int line, const char* condition, const std::string& what) {
  throw InternalError(
      fmt::format("internal error at {}:{} ({} does not hold): {}", file, line, condition, what));
}

}  // namespace wijksim
