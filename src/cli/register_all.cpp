#include "cli/register_all.h"

#include "data/register.h"
#include "eval/register.h"
#include "losses/register.h"
#include "models/register.h"
#include "trainers/register.h"

namespace facerep::cli {
void register_all_components() {
  data::register_components();
  models::register_components();
  losses::register_components();
  eval::register_components();
  trainers::register_components();
}
}  // namespace facerep::cli
