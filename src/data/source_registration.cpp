#include "data/register.h"

namespace facerep::data {
void register_sources() {}
}  // namespace facerep::data
