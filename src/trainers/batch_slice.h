#pragma once
// Micro-batches for gradient accumulation: rows [start, start+length) of every tensor in a batch.
#include <cstdint>

#include "data/batch.h"

namespace facerep::trainers {

data::Batch slice_batch(const data::Batch& batch, int64_t start, int64_t length);

}  // namespace facerep::trainers
