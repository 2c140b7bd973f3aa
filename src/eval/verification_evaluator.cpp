#include "eval/verification_evaluator.h"

#include <filesystem>
#include <unordered_map>

#include <torch/torch.h>

#include "core/error.h"
#include "data/dataset.h"
#include "data/sources/verification_bin.h"
#include "eval/embed.h"
#include "eval/eval_data.h"
#include "eval/pair_list.h"
#include "eval/report.h"
#include "eval/verification_metrics.h"

namespace facerep::eval {

namespace {
std::string canonical(const std::string& p) {
  std::error_code ec;
  const auto c = std::filesystem::weakly_canonical(p, ec);
  return ec ? std::filesystem::path(p).lexically_normal().string() : c.string();
}

// Pair rows in the embedded set for file-based pair lists.
std::vector<IndexPair> match_pairs(const std::vector<PathPair>& pairs, const Embedded& e) {
  std::unordered_map<std::string, int64_t> row;
  for (size_t i = 0; i < e.paths.size(); ++i) row.emplace(canonical(e.paths[i]), static_cast<int64_t>(i));
  std::vector<IndexPair> out;
  for (const auto& p : pairs) {
    auto a = row.find(canonical(p.a)), b = row.find(canonical(p.b));
    if (a == row.end() || b == row.end())
      throw core::RuntimeError(p.origin + ": " + (a == row.end() ? p.a : p.b) +
                               " is not a sample of the evaluator's data.source");
    out.push_back({a->second, b->second, p.same});
  }
  return out;
}

// The options of the evaluator's dataset: data as configured, or with the .bin as its source.
data::DatasetOptions verification_dataset_options(const VerificationOptions& o) {
  if (o.bin.empty()) return o.data;
  data::DatasetOptions d = o.data;
  data::VerificationBinOptions bin;
  bin.path = o.bin;
  d.source = core::ComponentSpec{"verification_bin", "bin", bin, {}};
  return d;
}

// A .bin's pairs are its consecutive images: rows 2i and 2i+1 of the embedded set.
std::vector<IndexPair> bin_pairs(const data::Dataset& dataset) {
  const auto* source = dynamic_cast<const data::VerificationBinSource*>(&dataset.source());
  FACEREP_CHECK(source != nullptr, "verification: bin set but the dataset's source is not the .bin");
  std::vector<IndexPair> out;
  for (size_t i = 0; i < source->same().size(); ++i)
    out.push_back({static_cast<int64_t>(2 * i), static_cast<int64_t>(2 * i + 1), source->same()[i]});
  return out;
}
}  // namespace

EvalResult VerificationEvaluator::evaluate(models::Backbone& model, const EvalContext& ctx) {
  const auto dataset = build_eval_dataset(verification_dataset_options(options_), ctx);
  const Embedded e = embed_all(model, *dataset, options_.batch_size, options_.flip, ctx.device);
  std::vector<IndexPair> pairs;
  if (!options_.bin.empty()) {
    pairs = bin_pairs(*dataset);
  } else if (options_.pairs == "generate") {
    pairs = generate_pairs(e.identities, options_.num_pairs, ctx.seed + static_cast<uint64_t>(options_.seed));
  } else {
    const std::string file = resolve_against(ctx.base_dir, options_.pairs);
    const bool csv = file.size() >= 4 && file.substr(file.size() - 4) == ".csv";
    pairs = match_pairs(csv ? read_csv_pairs(file) : read_lfw_pairs(file, resolve_against(ctx.base_dir, options_.image_root)), e);
  }
  std::vector<double> scores;
  std::vector<bool> same;
  const at::Tensor x = e.embeddings;
  for (const auto& p : pairs) {
    scores.push_back((x[p.a] * x[p.b]).sum().item<double>());
    same.push_back(p.same);
  }
  const VerificationSummary summary = summarize_verification(scores, same, options_.folds);
  const Roc& roc = summary.roc;

  EvalResult r = options_.new_result("verification");
  r.primary = "accuracy";
  std::vector<std::pair<std::string, double>> rows = summary.rows;
  rows.emplace_back("pairs", static_cast<double>(pairs.size()));
  finish_result(r, rows,
                r.name + " (" + std::to_string(options_.folds) + "-fold, " + std::to_string(roc.positives) +
                    " same / " + std::to_string(roc.negatives) + " different pairs)",
                ctx);
  if (!ctx.out_dir.empty()) {
    write_roc_csv((std::filesystem::path(ctx.out_dir) / "roc.csv").string(), roc);
    write_roc_png((std::filesystem::path(ctx.out_dir) / "roc.png").string(), roc, r.name);
  }
  return r;
}

}  // namespace facerep::eval
