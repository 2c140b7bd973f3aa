#include "models/frozen_copy.h"

#include <torch/torch.h>

#include "runtime/module_state.h"

namespace facerep::models {

void copy_into_frozen(const torch::nn::Module& src, torch::nn::Module& dst) {
  runtime::load_module_state(dst, runtime::module_state(src), "frozen copy");
  for (auto& p : dst.parameters()) p.set_requires_grad(false);
}

std::shared_ptr<VisionTransformer> frozen_vit_copy(const VisionTransformer& src) {
  VitOptions o = src.options();
  o.pretrained = runtime::PretrainedOptions{};  // weights come from src, not from a file
  o.drop_path = 0.0;                            // a teacher is never regularised
  auto copy = std::make_shared<VisionTransformer>(o);
  // Same device and dtype as the source before copying values.
  const auto params = src.parameters();
  if (!params.empty()) copy->to(params.front().device(), params.front().scalar_type());
  copy_into_frozen(src, *copy);
  return copy;
}

}  // namespace facerep::models
