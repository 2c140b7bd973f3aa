#include "data/register.h"
#include "data/samplers/sampler.h"
#include "data/samplers/basic.h"
#include "data/samplers/m_per_class.h"

namespace facerep::data {

void register_samplers() {
  using Product = std::shared_ptr<Sampler>;
  auto& r = sampler_registry();
  r.add<SequentialSamplerOptions>(
      "sequential", "dataset order (evaluation, debugging)",
      std::function<Product(const SequentialSamplerOptions&, const SamplerContext&)>(
          [](const SequentialSamplerOptions&, const SamplerContext& c) { return std::make_shared<SequentialSampler>(c); }));
  r.add<ShuffleSamplerOptions>(
      "shuffle", "a new random permutation every epoch",
      std::function<Product(const ShuffleSamplerOptions&, const SamplerContext&)>(
          [](const ShuffleSamplerOptions&, const SamplerContext& c) { return std::make_shared<ShuffleSampler>(c); }));
  r.add<ClassBalancedSamplerOptions>(
      "class_balanced", "identities drawn uniformly, then one of their images (with replacement)",
      std::function<Product(const ClassBalancedSamplerOptions&, const SamplerContext&)>(
          [](const ClassBalancedSamplerOptions& o, const SamplerContext& c) {
            return std::make_shared<ClassBalancedSampler>(o, c);
          }));
  r.add<MPerClassSamplerOptions>(
      "m_per_class", "P identities x m images per batch (triplet mining); batch size divisible by m",
      std::function<Product(const MPerClassSamplerOptions&, const SamplerContext&)>(
          [](const MPerClassSamplerOptions& o, const SamplerContext& c) { return std::make_shared<MPerClassSampler>(o, c); }));
}

}  // namespace facerep::data
