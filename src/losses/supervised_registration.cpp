#include <memory>

#include "dist/collectives.h"
#include "losses/margin_softmax.h"
#include "losses/partial_fc.h"
#include "losses/register.h"
#include "losses/softmax_classifier.h"
#include "losses/symmetry.h"
#include "losses/triplet.h"
#include "losses/weighted_sum.h"

namespace facerep::losses {

namespace {
template <class Options>
void add_margin(const std::string& name, const std::string& help) {
  objective_registry().add<Options>(name, help, [name](const Options& o, const ObjectiveContext& ctx) {
    return std::make_shared<MarginSoftmax>(o, ctx, name);
  });
}
}  // namespace

void register_supervised_objectives() {
  auto& r = objective_registry();
  add_margin<MarginOptions>("margin", "combined margin softmax s·(cos(m1·θ + m2) − m3); set m1, m2, m3");
  add_margin<ArcFaceOptions>("arcface", "additive angular margin softmax (m2 = 0.5, s = 64)");
  add_margin<CosFaceOptions>("cosface", "additive cosine margin softmax (m3 = 0.35, s = 64)");
  add_margin<SphereFaceOptions>("sphereface",
                                "multiplicative angular margin softmax on normalised features (m1 = 1.35, s = 64)");
  r.add<PartialFCOptions>("partial_fc",
                          "margin softmax (ArcFace defaults) with the class centres split across the processes; "
                          "optional negative-centre sampling",
                          [](const PartialFCOptions& o, const ObjectiveContext& ctx) {
                            return std::make_shared<PartialFC>(o, ctx, dist::current());
                          });
  r.add<SoftmaxOptions>("softmax", "linear classifier + cross-entropy (baseline)",
                        [](const SoftmaxOptions& o, const ObjectiveContext& ctx) {
                          return std::make_shared<SoftmaxClassifier>(o, ctx);
                        });
  r.add<TripletOptions>("triplet", "triplet loss with in-batch mining (needs the m_per_class sampler)",
                        [](const TripletOptions& o, const ObjectiveContext&) {
                          return std::make_shared<TripletObjective>(o);
                        });
  r.add<SymmetryOptions>("symface", "pull the embeddings of the two mirrored half-faces together",
                         [](const SymmetryOptions& o, const ObjectiveContext&) {
                           return std::make_shared<SymmetryObjective>(o);
                         });
  r.add<SumOptions>("sum", "weighted sum of objectives: terms + weights",
                    [](const SumOptions& o, const ObjectiveContext& ctx) {
                      return std::make_shared<WeightedSum>(o, ctx);
                    });
}

}  // namespace facerep::losses
