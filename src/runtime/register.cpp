#include "runtime/register.h"

namespace facerep::runtime {
void register_components() {
  static const bool done = [] {
    return true;
  }();
  (void)done;
}
}  // namespace facerep::runtime
