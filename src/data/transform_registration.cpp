#include "data/register.h"

namespace facerep::data {
void register_transforms() {}
}  // namespace facerep::data
