#pragma once
// Cross-entropy over classes split across ranks, without any rank holding the whole logit row:
// each rank has the logits of the whole (gathered) batch against its own classes, and the softmax
// normalisation is assembled from the ranks' row maxima (a max over an all-gather) and their sums
// of exponentials (an all-reduce). The loss, the mean over the N rows of −log softmax(target), is
// the same value on every rank.
//
// Backward needs no communication: the gradient of the mean loss with respect to this rank's
// logits is (softmax − one-hot) / N restricted to its columns, and both factors are known locally
// once the global normaliser is.
#include <ATen/core/Tensor.h>

namespace facerep::dist {
class Communicator;
}

namespace facerep::losses {

// logits: [N, K] this rank's columns for the whole batch; target: [N] int64, the column of the
// row's class on this rank or −1 where another rank holds it (exactly one rank holds each row's
// class). `comm` nullptr: one process, the ordinary cross-entropy. Computes in float32.
at::Tensor sharded_cross_entropy(const at::Tensor& logits, const at::Tensor& target, dist::Communicator* comm);

}  // namespace facerep::losses
