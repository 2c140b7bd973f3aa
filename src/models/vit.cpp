#include "models/vit.h"

#include <torch/torch.h>

#include "core/error.h"
#include "models/frozen_copy.h"
#include "models/pos_embed.h"
#include "models/xavier_linear.h"
#include "runtime/compat.h"

namespace facerep::models {
namespace {

struct Preset {
  int width, heads;
};
Preset preset(const std::string& size) {
  if (size == "tiny") return {192, 3};
  if (size == "base") return {768, 12};
  return {384, 6};
}

torch::nn::LayerNorm layer_norm(int64_t width) {
  // timm and MAE use eps 1e-6; the weights would load either way, the outputs would not match.
  return torch::nn::LayerNorm(torch::nn::LayerNormOptions({width}).eps(1e-6));
}

// A plain container, so children are named "<holder>.<child>" as in the Python modules.
struct Holder : torch::nn::Module {};

}  // namespace

int VitOptions::resolved_depth() const { return depth > 0 ? depth : 12; }
int VitOptions::resolved_width() const { return width > 0 ? width : preset(size).width; }
int VitOptions::resolved_heads() const { return heads > 0 ? heads : preset(size).heads; }

VitBlockImpl::VitBlockImpl(int64_t width, int64_t heads, int64_t mlp_hidden, double drop_path)
    : heads_(heads), drop_path_(drop_path) {
  norm1_ = register_module("norm1", layer_norm(width));
  auto attn = register_module("attn", std::make_shared<Holder>());
  qkv_ = attn->register_module("qkv", xavier_linear(width, 3 * width));
  proj_ = attn->register_module("proj", xavier_linear(width, width));
  norm2_ = register_module("norm2", layer_norm(width));
  auto mlp = register_module("mlp", std::make_shared<Holder>());
  fc1_ = mlp->register_module("fc1", xavier_linear(width, mlp_hidden));
  fc2_ = mlp->register_module("fc2", xavier_linear(mlp_hidden, width));
}

at::Tensor VitBlockImpl::drop_path(const at::Tensor& x) const {
  if (!is_training() || drop_path_ <= 0.0) return x;
  // Whole residual branches dropped per sample, survivors rescaled so the expectation is kept.
  const double keep = 1.0 - drop_path_;
  std::vector<int64_t> shape(static_cast<size_t>(x.dim()), 1);
  shape[0] = x.size(0);
  return x * torch::empty(shape, x.options()).bernoulli_(keep).div_(keep);
}

at::Tensor VitBlockImpl::forward(const at::Tensor& x) {
  const int64_t b = x.size(0), n = x.size(1), d = x.size(2);
  const at::Tensor qkv = qkv_->forward(norm1_->forward(x)).reshape({b, n, 3, heads_, d / heads_}).permute({2, 0, 3, 1, 4});
  const at::Tensor attn = runtime::compat::attention(qkv[0], qkv[1], qkv[2]).transpose(1, 2).reshape({b, n, d});
  at::Tensor y = x + drop_path(proj_->forward(attn));
  const at::Tensor h = fc2_->forward(torch::gelu(fc1_->forward(norm2_->forward(y))));
  return y + drop_path(h);
}

VisionTransformer::VisionTransformer(const VitOptions& options)
    : options_(options), depth_(options.resolved_depth()), width_(options.resolved_width()) {
  const int64_t heads = options.resolved_heads();
  if (options.image_size % options.patch != 0)
    throw core::ConfigError("vit: image_size " + std::to_string(options.image_size) + " is not a multiple of patch " +
                            std::to_string(options.patch));
  if (width_ % heads != 0)
    throw core::ConfigError("vit: heads " + std::to_string(heads) + " do not divide width " + std::to_string(width_));
  const int64_t grid = grid_size();

  cls_token_ = register_parameter("cls_token", torch::randn({1, 1, width_}) * 0.02);
  if (options.pos_embed == "learned") {
    pos_embed_ = register_parameter("pos_embed", torch::randn({1, 1 + grid * grid, width_}) * 0.02);
  } else {
    // Fixed: a buffer, so optimizers never see it, yet it is saved and loaded under "pos_embed".
    pos_embed_ = register_buffer("pos_embed", sincos_2d(width_, grid, /*with_cls=*/true));
  }
  auto patch_embed = register_module("patch_embed", std::make_shared<Holder>());
  proj_ = patch_embed->register_module(
      "proj", torch::nn::Conv2d(torch::nn::Conv2dOptions(options.in_channels, width_, options.patch).stride(options.patch)));
  {
    torch::NoGradGuard no_grad;
    // As MAE: initialise the patch projection like a linear layer on flattened patches.
    torch::nn::init::xavier_uniform_(proj_->weight.view({width_, -1}));
    torch::nn::init::zeros_(proj_->bias);
  }
  blocks_ = register_module("blocks", torch::nn::ModuleList());
  const auto hidden = static_cast<int64_t>(static_cast<double>(width_) * options.mlp_ratio);
  for (int64_t i = 0; i < depth_; ++i) {
    const double rate = depth_ > 1 ? options.drop_path * static_cast<double>(i) / static_cast<double>(depth_ - 1) : 0.0;
    block_list_.push_back(VitBlock(width_, heads, hidden, rate));
    blocks_->push_back(block_list_.back());
  }
  norm_ = register_module("norm", layer_norm(width_));
  if (options.fc_norm) fc_norm_ = register_module("fc_norm", layer_norm(width_));
  if (options.embedding_size > 0) head_ = register_module("head", xavier_linear(pooled_dim(), options.embedding_size));
}

int64_t VisionTransformer::pooled_dim() const {
  const int64_t grid = grid_size();
  if (options_.pool == "flatten") return width_ * grid * grid;
  if (options_.pool == "grid") return width_ * options_.pool_grid * options_.pool_grid;
  return width_;
}

int64_t VisionTransformer::embedding_dim() const {
  return options_.embedding_size > 0 ? options_.embedding_size : pooled_dim();
}

bool VisionTransformer::no_weight_decay(const std::string& name) const {
  return name == "pos_embed" || name == "cls_token";
}

int64_t VisionTransformer::layer_id(const std::string& name) const {
  if (name == "cls_token" || name == "pos_embed" || name.rfind("patch_embed.", 0) == 0) return 0;
  if (name.rfind("blocks.", 0) == 0) {
    const size_t dot = name.find('.', 7);
    return std::stoll(name.substr(7, dot - 7)) + 1;
  }
  return depth_ + 1;
}

std::string VisionTransformer::adapt_pretrained(runtime::StateDict& weights) const {
  std::string note;
  const int64_t tokens = 1 + grid_size() * grid_size();
  for (auto& [name, t] : weights) {
    if (name != "pos_embed" || t.dim() != 3 || t.size(1) == tokens || t.size(2) != width_) continue;
    const int64_t old_tokens = t.size(1);
    t = resize_pos_embed(t, 1, grid_size());
    note = "pos_embed resized from " + std::to_string(old_tokens - 1) + " to " + std::to_string(tokens - 1) +
           " patches (bicubic)";
  }
  return note;
}

void VisionTransformer::check_images(const at::Tensor& images) const {
  if (images.dim() != 4 || images.size(1) != options_.in_channels || images.size(2) != options_.image_size ||
      images.size(3) != options_.image_size)
    throw core::RuntimeError("vit: expected images [B," + std::to_string(options_.in_channels) + "," +
                             std::to_string(options_.image_size) + "," + std::to_string(options_.image_size) +
                             "], got " + c10::str(images.sizes()));
}

at::Tensor VisionTransformer::patch_tokens(const at::Tensor& images) {
  check_images(images);
  const at::Tensor x = proj_->forward(images).flatten(2).transpose(1, 2);  // [B,N,D]
  return x + pos_embed_.slice(1, 1);
}

at::Tensor VisionTransformer::encode(const at::Tensor& patches) {
  const at::Tensor cls = (cls_token_ + pos_embed_.slice(1, 0, 1)).expand({patches.size(0), -1, -1});
  at::Tensor x = torch::cat({cls, patches}, 1);
  for (auto& block : block_list_) x = block->forward(x);
  return x;
}

at::Tensor VisionTransformer::forward_visible(const at::Tensor& images, const at::Tensor& ids_keep) {
  if (ids_keep.dim() != 2 || ids_keep.scalar_type() != at::kLong || ids_keep.size(0) != images.size(0))
    throw core::RuntimeError("vit: ids_keep must be int64 [B,K] with B = " + std::to_string(images.size(0)) +
                             ", got " + c10::str(ids_keep.sizes()) + " " + c10::toString(ids_keep.scalar_type()));
  const at::Tensor x = patch_tokens(images);
  const at::Tensor kept = x.gather(1, ids_keep.unsqueeze(-1).expand({-1, -1, x.size(2)}));
  return norm_->forward(encode(kept));
}

at::Tensor VisionTransformer::forward_tokens(const at::Tensor& images) {
  return norm_->forward(encode(patch_tokens(images)));
}

at::Tensor VisionTransformer::forward(const at::Tensor& images) {
  at::Tensor x = encode(patch_tokens(images));
  at::Tensor pooled;
  if (options_.pool == "mean") {
    pooled = fc_norm_ ? fc_norm_->forward(x.slice(1, 1).mean(1)) : norm_->forward(x).slice(1, 1).mean(1);
  } else if (options_.pool == "flatten") {
    pooled = norm_->forward(x).slice(1, 1).flatten(1);
  } else if (options_.pool == "grid") {
    // The mean over each of the G x G cells, laid out cell by cell (each cell's D values together).
    const int64_t cells = options_.pool_grid;
    pooled = at::adaptive_avg_pool2d(token_map(norm_->forward(x)), {cells, cells}).permute({0, 2, 3, 1}).flatten(1);
  } else {
    pooled = norm_->forward(x).select(1, 0);
  }
  return head_ ? head_->forward(pooled) : pooled;
}

at::Tensor VisionTransformer::feature_map(const at::Tensor& images) { return token_map(forward_tokens(images)); }

at::Tensor VisionTransformer::token_map(const at::Tensor& tokens) const {
  const int64_t grid = grid_size();
  const at::Tensor patches = tokens.slice(1, 1);  // [B,N,D], row-major patches
  return patches.reshape({patches.size(0), grid, grid, width_}).permute({0, 3, 1, 2});
}

PatchLayout VisionTransformer::patch_layout() const {
  const int64_t grid = grid_size();
  return {grid, grid, options_.patch, options_.in_channels};
}

TokenSpec VisionTransformer::token_spec() const {
  return {width_, options_.resolved_heads(), options_.mlp_ratio};
}

std::shared_ptr<Backbone> VisionTransformer::frozen_copy() const {
  VitOptions o = options_;
  o.pretrained = runtime::PretrainedOptions{};  // weights come from this model, not from a file
  o.drop_path = 0.0;                   // a teacher is never regularised
  auto copy = std::make_shared<VisionTransformer>(o);
  // Same device and dtype as the source before copying values.
  const auto params = parameters();
  if (!params.empty()) copy->to(params.front().device(), params.front().scalar_type());
  copy_into_frozen(*this, *copy);
  return copy;
}

}  // namespace facerep::models
