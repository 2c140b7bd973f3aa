#include <memory>

#include "losses/au/au_objective.h"
#include "losses/register.h"

namespace facerep::losses {
void register_au_objectives() {
  objective_registry().add<AuOptions>(
      "au",
      "multi-label action-unit detection (BCE on an AU head), optionally identity-adversarial (iat: identity head "
      "behind a gradient reversal)",
      [](const AuOptions& o, const ObjectiveContext& ctx) -> std::shared_ptr<Objective> {
        return std::make_shared<AuObjective>(o, ctx);
      });
}
}  // namespace facerep::losses
