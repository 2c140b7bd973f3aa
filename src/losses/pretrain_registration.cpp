#include "losses/register.h"

namespace facerep::losses {
void register_pretrain_objectives() {}
}  // namespace facerep::losses
