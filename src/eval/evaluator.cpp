#include "eval/evaluator.h"

namespace facerep::eval {
EvaluatorRegistry& evaluator_registry() {
  static EvaluatorRegistry registry("evaluator");
  return registry;
}
}  // namespace facerep::eval
