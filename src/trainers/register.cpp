#include "trainers/register.h"

namespace facerep::trainers {
void register_components() {
  static const bool done = [] {
    return true;
  }();
  (void)done;
}
}  // namespace facerep::trainers
