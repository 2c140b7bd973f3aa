#include "losses/symmetry.h"

#include <torch/torch.h>

#include "core/error.h"
#include "losses/batch_checks.h"

namespace facerep::losses {

at::Tensor left_mirrored(const at::Tensor& images) {
  const int64_t w = images.size(3);
  const at::Tensor left = images.narrow(3, 0, (w + 1) / 2);
  const at::Tensor mirror = left.flip({3}).narrow(3, w % 2, w / 2);
  return torch::cat({left, mirror}, 3);
}

at::Tensor right_mirrored(const at::Tensor& images) {
  const int64_t w = images.size(3);
  const at::Tensor right = images.narrow(3, w / 2, w - w / 2);
  const at::Tensor mirror = right.flip({3}).narrow(3, 0, w / 2);
  return torch::cat({mirror, right}, 3);
}

at::Tensor landmark_asymmetry(const at::Tensor& landmarks) {
  const at::Tensor l = landmarks.to(torch::kDouble).cpu();
  at::Tensor left_eye, right_eye, nose;
  if (l.size(1) == 5) {
    left_eye = l.select(1, 0);
    right_eye = l.select(1, 1);
    nose = l.select(1, 2);
  } else if (l.size(1) == 68) {
    left_eye = l.narrow(1, 36, 6).mean(1);
    right_eye = l.narrow(1, 42, 6).mean(1);
    nose = l.select(1, 30);
  } else {
    throw core::RuntimeError("symface: frontality needs 5 (ArcFace order) or 68 (iBUG) landmarks, got " +
                             std::to_string(l.size(1)));
  }
  const at::Tensor mid_x = (left_eye.select(1, 0) + right_eye.select(1, 0)) * 0.5;
  const at::Tensor iod = (left_eye - right_eye).norm(2, 1).clamp_min(1e-6);
  return (nose.select(1, 0) - mid_x).abs() / iod;
}

at::Tensor SymmetryObjective::selected(const data::Batch& device_batch) const {
  const data::Batch& batch = device_batch.on_host();  // selection runs on the host copy
  const int64_t b = batch.size();
  if (!options_.frontal_only) return torch::ones({b}, torch::kBool);
  const bool keep_unlabelled = options_.without_landmarks == "frontal";
  if (!batch.landmarks.defined()) return torch::full({b}, keep_unlabelled, torch::kBool);
  at::Tensor has = batch.landmarks_mask.defined() ? batch.landmarks_mask.cpu().to(torch::kBool)
                                                  : torch::ones({b}, torch::kBool);
  at::Tensor asym;
  try {
    asym = landmark_asymmetry(batch.landmarks);
  } catch (const core::RuntimeError& e) {
    throw core::RuntimeError(std::string(e.what()) + " (samples " + describe_samples(batch) + ")");
  }
  // Rows without landmarks hold placeholders: their asymmetry is ignored.
  const at::Tensor frontal = asym.lt(options_.max_asymmetry);
  return torch::where(has, frontal, torch::full({b}, keep_unlabelled, torch::kBool));
}

DataNeeds SymmetryObjective::needs() const {
  DataNeeds n;
  n.region_map_or_landmarks = options_.frontal_only && options_.without_landmarks == "exclude";
  return n;
}

LossOutput SymmetryObjective::compute(models::Backbone& model, const data::Batch& batch, StepContext&) {
  namespace F = torch::nn::functional;
  const at::Tensor keep = selected(batch);
  const at::Tensor rows = keep.nonzero().select(1, 0).to(batch.images.device(), /*non_blocking=*/true);
  const int64_t n = rows.numel();
  // With nobody selected, run on the whole batch and multiply by zero so `total` stays in the graph.
  const at::Tensor images = n > 0 ? batch.images.index_select(0, rows) : batch.images;
  const at::Tensor both = torch::cat({left_mirrored(images), right_mirrored(images)}, 0);
  const at::Tensor emb = model.forward(both);
  if (emb.dim() != 2 || emb.size(0) != both.size(0))
    throw core::RuntimeError("symface: the model returned embeddings with " + std::to_string(emb.dim()) +
                             " dims for " + std::to_string(both.size(0)) + " images (samples " +
                             describe_samples(batch) + ")");
  const auto halves = emb.chunk(2, 0);
  const at::Tensor cos = F::cosine_similarity(halves[0], halves[1], F::CosineSimilarityFuncOptions().dim(1));
  const at::Tensor mean_dist = (1.0 - cos).mean();
  LossOutput out;
  out.total = n > 0 ? mean_dist * options_.weight : mean_dist * 0.0;
  out.terms.emplace_back("symmetry", out.total);
  out.metrics["frontal_fraction"] = host_metric(batch.size() > 0 ? static_cast<double>(n) / batch.size() : 0.0);
  out.metrics["half_cosine"] = n > 0 ? cos.detach().to(torch::kDouble).mean() : host_metric(0.0);
  return out;
}

}  // namespace facerep::losses
