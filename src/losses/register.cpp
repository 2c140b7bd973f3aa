#include "losses/register.h"

namespace facerep::losses {
void register_components() {
  static const bool done = [] {
    register_supervised_objectives();
    register_pretrain_objectives();
    register_au_objectives();
    return true;
  }();
  (void)done;
}
}  // namespace facerep::losses
