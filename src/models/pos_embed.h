#pragma once
// Position embeddings for vision transformers: the fixed 2D sine-cosine table of MAE, and the
// resizing of a pretrained table to another patch grid.
#include <cstdint>

#include <ATen/core/Tensor.h>

namespace facerep::models {

// [1, grid*grid (+1), dim] float table. Half the channels encode the row position, half the
// column (each as dim/4 sines then dim/4 cosines at frequencies 1/10000^(k/(dim/4))), in MAE's
// order: rows of the grid follow the height axis and the first half encodes the width (x)
// coordinate. With `with_cls`, a leading all-zero row for the class token. dim must be a
// multiple of 4 (throws core::ConfigError otherwise).
at::Tensor sincos_2d(int64_t dim, int64_t grid, bool with_cls);

// Resizes a [1, extra + old*old, D] table to [1, extra + new_grid^2, D] by bicubic interpolation
// of the patch part (align_corners = false), keeping the first `extra` rows (class token) as they
// are: what MAE's interpolate_pos_embed does when fine-tuning at another resolution. Throws
// core::RuntimeError when the patch part is not a square grid.
at::Tensor resize_pos_embed(const at::Tensor& table, int64_t extra_tokens, int64_t new_grid);

}  // namespace facerep::models
