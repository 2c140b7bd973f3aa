#pragma once
// Channels-last (NHWC) placement of a model's 4-D weights (`run.channels_last`): convolutions
// then run without layout conversions, which is what CUDA tensor cores want.
#include <torch/nn/module.h>

namespace facerep::runtime {

// Every 4-D parameter and buffer of `module` (recursively) becomes channels-last, in place;
// names, values and optimizer bindings are unchanged.
void to_channels_last(torch::nn::Module& module);

}  // namespace facerep::runtime
