// Must NOT compile: the model layer reaching up into the study layer (tests/CMakeLists.txt,
// layering_is_enforced). The study's header is not on the model's include path.
#include "wijksim/model/params.h"
#include "wijksim/study/study.h"

int main() {
  return 0;
}
