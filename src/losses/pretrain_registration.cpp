#include "losses/masking/masker.h"
#include "losses/fsfm_objective.h"
#include "losses/mae_objective.h"
#include "losses/register.h"

namespace facerep::losses {
void register_pretrain_objectives() {
  // Maskers first: the objectives' `mask:` options are parsed by the masker registry.
  register_maskers();
  auto& r = objective_registry();
  r.add<MaeOptions>("mae", "masked autoencoder: ViT on visible patches, pixel loss on masked ones",
                    [](const MaeOptions& o, const ObjectiveContext& ctx) -> std::shared_ptr<Objective> {
                      return std::make_shared<MaeObjective>(o, ctx);
                    });
  r.add<FsfmOptions>("fsfm",
                     "FSFM: region-aware masked autoencoding + instance discrimination (EMA target)",
                     [](const FsfmOptions& o, const ObjectiveContext& ctx) -> std::shared_ptr<Objective> {
                       return std::make_shared<FsfmObjective>(o, ctx);
                     });
}
}  // namespace facerep::losses
