#include "eval/reconstruction_evaluator.h"

#include <algorithm>
#include <filesystem>

#include <torch/torch.h>

#include "core/error.h"
#include "data/collate.h"
#include "data/dataset.h"
#include "eval/eval_data.h"
#include "eval/report.h"
#include "eval/viz_mae.h"
#include "losses/mae_core.h"

namespace facerep::eval {

EvalResult ReconstructionEvaluator::evaluate(models::Backbone& model, const EvalContext& ctx) {
  EvalResult result = options_.new_result("reconstruction");
  const std::string& name = result.name;
  losses::MaskedReconstructor* reconstructor = ctx.objective ? ctx.objective->masked_reconstructor() : nullptr;
  if (!reconstructor)
    throw core::ConfigError("eval " + name + ": needs the masked-autoencoder objective (mae or fsfm) the model " +
                            "was trained with; " + (ctx.objective ? "this objective cannot reconstruct" : "none was given"));
  const auto dataset = build_eval_dataset(options_.data, ctx);
  const int64_t total = std::min<int64_t>(dataset->size(), options_.max_images);
  double loss_sum = 0.0;
  int64_t seen = 0;
  for (int64_t start = 0, batch_index = 0; start < total; start += options_.batch_size, ++batch_index) {
    std::vector<std::vector<data::Sample>> samples;
    for (int64_t i = start; i < std::min<int64_t>(total, start + options_.batch_size); ++i)
      if (auto s = dataset->get(i, 0)) samples.push_back(std::move(*s));
    if (samples.empty()) continue;
    data::Batch batch = data::collate(samples);
    batch.images = batch.images.to(ctx.device);
    // One fixed mask stream per batch: every evaluation of a run scores the same masks.
    const uint64_t seed = ctx.seed + static_cast<uint64_t>(options_.seed) + static_cast<uint64_t>(batch_index);
    const losses::MaeReconstruction r =
        reconstruct_masked(model, *reconstructor, batch, reconstructor->masker(), seed);
    loss_sum += r.loss.item<double>() * static_cast<double>(batch.size());
    seen += batch.size();
    if (batch_index == 0 && options_.grid_samples > 0 && !ctx.out_dir.empty()) {
      // Pictures of the first batch only: the rest just scores.
      const MaeVizImages rows = reconstruction_images(model, r, batch.images, reconstructor->norm_pix_loss(),
                                                      dataset->normalization());
      const int64_t n = std::min<int64_t>(options_.grid_samples, batch.size());
      write_png(mae_grid({rows.first(n)}, {"step " + std::to_string(ctx.step)}),
                (std::filesystem::path(ctx.out_dir) / "reconstruction.png").string());
    }
  }
  if (seen == 0) throw core::RuntimeError("eval " + name + ": no readable image in its data");
  finish_result(result, {{"loss", loss_sum / static_cast<double>(seen)}, {"images", static_cast<double>(seen)}},
                name + " (masked-patch loss, held-out images)", ctx);
  return result;
}

}  // namespace facerep::eval
