#include "data/register.h"

namespace facerep::data {
void register_components() {
  static const bool done = [] {
    return true;
  }();
  (void)done;
}
}  // namespace facerep::data
