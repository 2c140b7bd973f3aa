#include "dist/register.h"

namespace facerep::dist {
void register_components() {
  static const bool done = [] {
    return true;
  }();
  (void)done;
}
}  // namespace facerep::dist
