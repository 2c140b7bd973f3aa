#include "models/pos_embed.h"

#include <cmath>

#include <torch/torch.h>

#include "core/error.h"

namespace facerep::models {
namespace {

// [n, dim] = [sin(pos * omega) | cos(pos * omega)], omega_k = 1 / 10000^(k / (dim/2)).
at::Tensor sincos_1d(int64_t dim, const at::Tensor& pos) {
  const at::Tensor omega =
      1.0 / torch::pow(10000.0, torch::arange(dim / 2, torch::kFloat64) / static_cast<double>(dim / 2));
  const at::Tensor out = pos.reshape({-1, 1}).to(torch::kFloat64) * omega.reshape({1, -1});
  return torch::cat({torch::sin(out), torch::cos(out)}, 1);
}

}  // namespace

at::Tensor sincos_2d(int64_t dim, int64_t grid, bool with_cls) {
  if (dim % 4 != 0 || dim <= 0)
    throw core::ConfigError("sin-cos position embedding needs a width divisible by 4, got " + std::to_string(dim));
  const at::Tensor coords = torch::arange(grid, torch::kFloat64);
  // meshgrid(w, h) as in MAE: the first table is the column (w) index for every (row, col).
  const std::vector<at::Tensor> mesh = torch::meshgrid({coords, coords}, "xy");
  const at::Tensor emb = torch::cat({sincos_1d(dim / 2, mesh[0]), sincos_1d(dim / 2, mesh[1])}, 1);
  at::Tensor table = emb;
  if (with_cls) table = torch::cat({torch::zeros({1, dim}, torch::kFloat64), emb}, 0);
  return table.to(torch::kFloat32).unsqueeze(0);
}

at::Tensor resize_pos_embed(const at::Tensor& table, int64_t extra_tokens, int64_t new_grid) {
  const int64_t n = table.size(1) - extra_tokens;
  const int64_t old_grid = static_cast<int64_t>(std::lround(std::sqrt(static_cast<double>(n))));
  if (table.dim() != 3 || n <= 0 || old_grid * old_grid != n)
    throw core::RuntimeError("pos_embed with " + std::to_string(table.size(1)) + " tokens is not " +
                             std::to_string(extra_tokens) + " + a square grid");
  if (old_grid == new_grid) return table;
  const int64_t dim = table.size(2);
  const at::Tensor extra = table.slice(1, 0, extra_tokens);
  at::Tensor grid = table.slice(1, extra_tokens).reshape({1, old_grid, old_grid, dim}).permute({0, 3, 1, 2});
  grid = torch::nn::functional::interpolate(
      grid.to(torch::kFloat32), torch::nn::functional::InterpolateFuncOptions()
                                    .size(std::vector<int64_t>{new_grid, new_grid})
                                    .mode(torch::kBicubic)
                                    .align_corners(false));
  grid = grid.permute({0, 2, 3, 1}).reshape({1, new_grid * new_grid, dim}).to(table.scalar_type());
  return torch::cat({extra, grid}, 1);
}

}  // namespace facerep::models
