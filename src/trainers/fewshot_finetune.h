#pragma once
// The `finetune` few-shot protocol: in every cell, the encoder itself is trained on the images of
// the cell's training rows, with a new linear head for the task, then answers for the query rows.
//
// Each fit starts from the encoder's weights as they were when the protocol was built (kept as a
// copy and restored first), so no cell's training leaks into the next, and is seeded by the
// request's seed (head initialisation, batch order, stochastic depth), so a resumed sweep
// reproduces its numbers. Heads by task:
//   identity           softmax classifier over request.classes, cross-entropy -> probabilities [M, C]
//   attributes, aus    one logit per unit, BCE with logits -> sigmoid probabilities [M, U]
//   landmarks, values  linear regression, MSE on targets standardised by the training rows' mean
//                      and standard deviation -> de-standardised values [M, T]
//   verification       classifier over the identities of the training rows (`y` holds them) ->
//                      the fine-tuned encoder's embeddings of the query rows [M, E]
// The head reads the embedding standardised by its mean and standard deviation over the training
// rows under the initial weights (as the linear probe standardises features), so one lr suits
// encoders whatever the scale of their output.
//
// Training: AdamW, linear warm-up then cosine decay, a fixed number of steps, layer-wise lr decay
// over the encoder's layers (Backbone::layer_id), and only the last `blocks` blocks trainable.
// Modules whose parameters are all frozen run in eval mode (their batch-norm statistics and
// dropout stay as they were). Images are those of the encoder's inference dataset: deterministic
// preprocessing, no augmentation; a cell's training images are decoded once and held in memory.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include "eval/fewshot/cell.h"
#include "models/backbone.h"
#include "runtime/module_state.h"
#include "trainers/fewshot_finetune_options.h"
#include "trainers/optimizer.h"

namespace facerep::data {
class Dataset;
}

namespace facerep::trainers {

// Whether encoder parameter `name` trains with `blocks` (-1: all; 0: none; N: those of layer
// L + 1 - N and above, L = num_layers()). An encoder without layer ids (num_layers() 0) trains
// whole for any N > 0.
bool finetune_trains(const models::Backbone& model, const std::string& name, int blocks);

// Whether `model` has parameters to fine-tune (the pixels baseline has none).
bool can_finetune(const models::Backbone& model);

// Sets requires_grad on every parameter of `model` as `blocks` says (and on every parameter of
// `head`) and groups the trainable ones for AdamW: the encoder's at their layer's decayed lr,
// the head's at the full lr.
std::vector<ParamGroup> finetune_param_groups(const std::shared_ptr<models::Backbone>& model,
                                              const std::shared_ptr<torch::nn::Module>& head,
                                              const FinetuneOptions& options);

class FinetuneProtocol : public eval::fewshot::CellProtocol {
 public:
  // `dataset` is the inference dataset the cell's FeatureSet was extracted from (rows index both).
  // Queries are answered `eval_batch` images at a time.
  FinetuneProtocol(std::shared_ptr<models::Backbone> model, std::shared_ptr<const data::Dataset> dataset,
                   c10::Device device, const FinetuneOptions& options, int64_t eval_batch);

  at::Tensor fit_predict(const eval::fewshot::ProtocolRequest& request, const std::vector<int64_t>& train,
                         const at::Tensor& y, const std::vector<int64_t>& query) override;

 private:
  // The embeddings of `rows` (eval mode, no gradients) on the CPU.
  at::Tensor embed_rows(const std::vector<int64_t>& rows);

  std::shared_ptr<models::Backbone> model_;
  std::shared_ptr<const data::Dataset> dataset_;
  c10::Device device_;
  FinetuneOptions options_;
  int64_t eval_batch_;
  runtime::NamedTensors initial_;  // copies of the weights and buffers every fit starts from
};

}  // namespace facerep::trainers
