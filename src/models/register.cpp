#include "models/register.h"

#include <memory>

#include "models/backbone.h"
#include "models/iresnet.h"
#include "models/mobilefacenet.h"
#include "models/pixels.h"
#include "models/vit.h"

namespace facerep::models {
namespace {

// Builds the model, then loads its `pretrained` weights (if any) before anyone sees it.
template <class Model, class Options>
std::shared_ptr<Backbone> build(const Options& o) {
  auto model = std::make_shared<Model>(o);
  load_pretrained(*model, o.pretrained);
  return model;
}

}  // namespace

void register_components() {
  static const bool done = [] {
    ModelRegistry& r = model_registry();
    r.add<IResNetOptions>("iresnet", "IResNet (ArcFace) 18/34/50/100 with insightface parameter names",
                          build<IResNet, IResNetOptions>);
    r.add<VitOptions>("vit", "Vision Transformer with timm/MAE parameter names (cls or mean pooling, optional head)",
                      build<VisionTransformer, VitOptions>);
    r.add<MobileFaceNetOptions>("mobilefacenet", "MobileFaceNet (arcface_torch mbf layout): light and CPU-friendly",
                                build<MobileFaceNet, MobileFaceNetOptions>);
    r.add<PixelsOptions>("pixels", "raw-pixel baseline: the standardised (optionally pooled) image as the embedding",
                         [](const PixelsOptions& o) { return std::make_shared<Pixels>(o); });
    return true;
  }();
  (void)done;
}

}  // namespace facerep::models
