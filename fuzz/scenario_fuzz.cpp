// libFuzzer harness for the scenario loader. For any text, ScenarioSource::load_string either returns a
// scenario or throws wijksim::Error (InputError with diagnostics). Anything else is a bug: a crash, a
// sanitizer report, a hang, another exception (libFuzzer reports an uncaught one as a crash), and also a
// scenario that loads but cannot be used: drawing its parameters throws, or its resolved YAML does not
// load again to the same resolved YAML.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "wijksim/core/error.h"
#include "wijksim/scenario/scenario_source.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string path = WIJKSIM_SCENARIO_DIR "/fuzz-input.yaml";  // never written: a virtual path
  std::optional<wijksim::ScenarioSource> src;
  try {
    src.emplace(wijksim::ScenarioSource::load_string(text, path));
  } catch (const wijksim::Error&) {
    return 0;  // rejected with diagnostics: fine
  }
  try {
    (void)src->for_draw(1, 0);
    (void)src->sampled_values(1, 1);
    const wijksim::ScenarioSource again = wijksim::ScenarioSource::load_string(src->resolved_yaml(), path);
    if (again.resolved_yaml() != src->resolved_yaml()) {
      std::fprintf(stderr, "resolved YAML changed on reloading:\n--- first\n%s--- again\n%s",
                   src->resolved_yaml().c_str(), again.resolved_yaml().c_str());
      std::abort();
    }
  } catch (const wijksim::Error& e) {
    std::fprintf(stderr, "a scenario that loaded is not usable: %s\nresolved YAML:\n%s", e.what(),
                 src->resolved_yaml().c_str());
    std::abort();
  }
  return 0;
}
