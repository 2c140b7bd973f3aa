#include "eval/register.h"

#include <memory>

#include "eval/au/au_evaluator.h"
#include "eval/au/identity_leakage.h"
#include "eval/identification_evaluator.h"
#include "eval/reconstruction_evaluator.h"
#include "eval/verification_evaluator.h"

namespace facerep::eval {
void register_components() {
  static const bool done = [] {
    auto& r = evaluator_registry();
    r.add<VerificationOptions>("verification", "pair verification: 10-fold accuracy, ROC/AUC, EER, TAR@FAR",
                               [](const VerificationOptions& o) { return std::make_shared<VerificationEvaluator>(o); });
    r.add<IdentificationOptions>("identification", "gallery/probe identification: rank-1, rank-5",
                                 [](const IdentificationOptions& o) {
                                   return std::make_shared<IdentificationEvaluator>(o);
                                 });
    r.add<KShotOptions>("kshot", "N-way k-shot episodes, nearest centroid: mean accuracy ± 95% CI",
                        [](const KShotOptions& o) { return std::make_shared<KShotEvaluator>(o); });
    r.add<ReconstructionOptions>("reconstruction",
                                 "masked-autoencoder reconstruction loss on held-out images + a PNG grid",
                                 [](const ReconstructionOptions& o) {
                                   return std::make_shared<ReconstructionEvaluator>(o);
                                 });
    r.add<AusEvalOptions>("aus",
                          "action-unit detection with the objective's AU head: mean F1 at 0.5, per unit, and with "
                          "thresholds tuned on threshold_data",
                          [](const AusEvalOptions& o) { return std::make_shared<AusEvaluator>(o); });
    r.add<IdentityLeakageOptions>("identity_leakage",
                                  "identity left in frozen embeddings: linear probe accuracy on held-out images of "
                                  "the same subjects",
                                  [](const IdentityLeakageOptions& o) {
                                    return std::make_shared<IdentityLeakageEvaluator>(o);
                                  });
    return true;
  }();
  (void)done;
}
}  // namespace facerep::eval
