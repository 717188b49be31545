// The three levels of error (see README "Errors"):
//  - user input: InputError, a list of Diagnostics each with file, line, column and key path; the CLI
//    prints them all and exits 1;
//  - the library API: wijksim::Error, the one exception type the engine throws for everything else;
//  - internal invariants: WIJKSIM_CHECK, a debug-only check in hot code.
#pragma once

#include <cassert>
#include <stdexcept>
#include <string>
#include <vector>

namespace wijksim {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Where in an input file something is. Lines and columns count from 1; 0 means "unknown".
struct Location {
  std::string file;
  int line = 0;
  int column = 0;
};

struct Diagnostic {
  Location where;
  std::string key;      // key path, e.g. "agencies.debt_counselling.capacity"
  std::string message;  // what was found and what was expected
  std::string to_string() const;
};

// Bad user input: carries every problem found, not only the first.
class InputError : public Error {
 public:
  explicit InputError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace wijksim

#ifdef NDEBUG
#define WIJKSIM_CHECK(cond) ((void)0)
#else
#define WIJKSIM_CHECK(cond) assert(cond)
#endif
