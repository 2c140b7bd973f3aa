#include "runtime/memory_format.h"

#include <torch/torch.h>

namespace facerep::runtime {

void to_channels_last(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  auto convert = [](at::Tensor& t) {
    if (t.defined() && t.dim() == 4) t.set_data(t.data().contiguous(at::MemoryFormat::ChannelsLast));
  };
  for (auto& p : module.parameters()) convert(p);
  for (auto& b : module.buffers()) convert(b);
}

}  // namespace facerep::runtime
