#include "models/frozen_copy.h"

#include <torch/torch.h>

#include "runtime/module_state.h"

namespace facerep::models {

void copy_into_frozen(const torch::nn::Module& src, torch::nn::Module& dst) {
  runtime::load_module_state(dst, runtime::module_state(src), "frozen copy");
  for (auto& p : dst.parameters()) p.set_requires_grad(false);
}

}  // namespace facerep::models
