#include "models/register.h"

namespace facerep::models {
void register_components() {
  static const bool done = [] {
    return true;
  }();
  (void)done;
}
}  // namespace facerep::models
