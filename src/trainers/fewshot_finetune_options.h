#pragma once
// The `finetune:` section of a few-shot sweep config: how the `finetune` protocol trains an
// encoder on the few labelled images of each cell (trainers/fewshot_finetune.h). Torch-free, so
// the sweep config can hold it.
#include "core/config_visit.h"

namespace facerep::trainers {

struct FinetuneOptions {
  // Sized for the tiny ViT of configs/pretrain/tiny_mae.yaml on 32x32 faces: a few CPU-seconds
  // per fit (docs/fewshot.md); larger encoders want more steps and a lower lr.
  int steps = 60;
  int batch_size = 32;
  double lr = 1e-3;
  double weight_decay = 0.05;
  double layer_decay = 0.75;
  int blocks = -1;
  double warmup = 0.1;

  template <class V> void visit(V& v) {
    v("steps", steps,
      "optimizer steps per fit, whatever the number of training images (fixed: no early stopping, nothing "
      "is chosen on test data)")
        .min(1);
    v("batch_size", batch_size, "training images per step (all of them when the cell has fewer)").min(1);
    v("lr", lr, "peak learning rate of the head; a backbone layer gets lr x layer_decay^(L + 1 - its layer)")
        .greater(0.0);
    v("weight_decay", weight_decay, "AdamW decoupled weight decay (not on norms, biases, tokens)").min(0.0);
    v("layer_decay", layer_decay,
      "layer-wise lr decay: a parameter of layer l (0 = embeddings, 1..L = blocks, L + 1 = final norm and "
      "head) of an encoder of L blocks gets lr x layer_decay^(L + 1 - l); 1 = the same lr everywhere")
        .greater(0.0)
        .max(1.0);
    v("blocks", blocks,
      "train the last N blocks and what follows them (final norm) with the head; earlier layers stay frozen. "
      "-1 = the whole encoder, 0 = the head alone on the frozen encoder (a linear probe by gradient descent)")
        .min(-1);
    v("warmup", warmup, "share of the steps with a linear lr warm-up from 0, then cosine decay to 0")
        .min(0.0)
        .less(1.0);
  }
};

}  // namespace facerep::trainers
