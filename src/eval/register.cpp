#include "eval/register.h"

namespace facerep::eval {
void register_components() {
  static const bool done = [] {
    return true;
  }();
  (void)done;
}
}  // namespace facerep::eval
