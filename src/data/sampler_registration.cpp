#include "data/register.h"

namespace facerep::data {
void register_samplers() {}
}  // namespace facerep::data
