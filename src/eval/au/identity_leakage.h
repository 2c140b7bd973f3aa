#pragma once
// `identity_leakage`: how much identity a frozen representation still carries (the quantity
// identity-adversarial training lowers). Each subject's images are split into a fit and a probe
// part (seeded), a standardised linear softmax probe (eval/fewshot/probes.h) is fitted on the fit
// part and scored on the probe part: `accuracy` (primary) against `chance` = 1 / subjects.
#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>

#include "eval/embedding_eval_options.h"
#include "eval/evaluator.h"

namespace facerep::eval {

struct IdentityLeakageOptions : EmbeddingEvalOptions {
  double fit_fraction = 0.5;

  template <class V> void visit(V& v) {
    visit_head(v, "identity_leakage",
               "identity-labelled images of held-in subjects, at least 2 per subject (default transforms: resize)");
    v("seed", seed, "added to the run seed for the fit/probe split and the probe's validation split").min(0);
    v("fit_fraction", fit_fraction, "share of each subject's images the probe is fitted on (at least 1, at most all but 1)")
        .greater(0.0)
        .less(1.0);
    visit_batch_size(v);
  }
};

struct LeakageScore {
  double accuracy = 0;  // of the probe on the probe part
  double chance = 0;    // 1 / subjects
  int64_t subjects = 0, fit_rows = 0, probe_rows = 0;
};

// The measure on given features [N, D] and identities (any labels; each must occur at least twice,
// else core::ConfigError naming `what`).
LeakageScore identity_leakage(const at::Tensor& features, const std::vector<int64_t>& identities, double fit_fraction,
                              uint64_t seed, const std::string& what);

class IdentityLeakageEvaluator : public Evaluator {
 public:
  explicit IdentityLeakageEvaluator(const IdentityLeakageOptions& options) : options_(options) {}
  EvalResult evaluate(models::Backbone& model, const EvalContext& ctx) override;

 private:
  IdentityLeakageOptions options_;
};

}  // namespace facerep::eval
