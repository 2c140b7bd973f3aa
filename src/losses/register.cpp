#include "losses/register.h"

namespace facerep::losses {
void register_components() {
  static const bool done = [] {
    return true;
  }();
  (void)done;
}
}  // namespace facerep::losses
