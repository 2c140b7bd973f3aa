#pragma once
// `reconstruction`: how well a masked autoencoder (objective mae or fsfm) reconstructs held-out
// images: the mean masked-patch loss under the objective's own masking, with fixed masks so
// evaluations at different steps compare, and a PNG grid (original | masked | reconstruction)
// of the first samples, written at every evaluation. Diagnostic only: it has no primary metric,
// so it never decides the "best" checkpoint.
#include <string>

#include "eval/embedding_eval_options.h"
#include "eval/evaluator.h"

namespace facerep::eval {

// Shares name/role/data/seed/batch_size with the embedding evaluators (`flip` is not a key here).
struct ReconstructionOptions : EmbeddingEvalOptions {
  int max_images = 256;
  int grid_samples = 8;

  template <class V> void visit(V& v) {
    visit_head(v, "reconstruction",
               "held-out images (default transforms: resize to the model's size); crfr_p masking needs region maps or landmarks");
    v("seed", seed, "added to the run seed for the masks").min(0);
    visit_batch_size(v);
    v("max_images", max_images, "images the loss is averaged over (the first ones of the source)").min(1);
    v("grid_samples", grid_samples, "samples drawn in reconstruction.png (0: no picture)").min(0);
  }
};

class ReconstructionEvaluator : public Evaluator {
 public:
  explicit ReconstructionEvaluator(const ReconstructionOptions& options) : options_(options) {}
  EvalResult evaluate(models::Backbone& model, const EvalContext& ctx) override;
  bool needs_objective() const override { return true; }

 private:
  ReconstructionOptions options_;
};

}  // namespace facerep::eval
