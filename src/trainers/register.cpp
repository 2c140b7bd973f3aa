#include "trainers/register.h"

#include "trainers/adamw.h"
#include "trainers/fewshot_encoders.h"
#include "trainers/schedule.h"
#include "trainers/sgd.h"

namespace facerep::trainers {
void register_components() {
  static const bool done = [] {
    register_sgd();
    register_adamw();
    register_schedules();
    register_fewshot_encoders();
    return true;
  }();
  (void)done;
}
}  // namespace facerep::trainers
