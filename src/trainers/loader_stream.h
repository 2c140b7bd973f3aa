#pragma once
// The BatchStream of a real run: data.train (source + transforms) through the data layer's
// threaded Loader, for this process's rank: its train.batch_size / world share of every global batch.
#include <memory>

#include "trainers/batch_stream.h"
#include "trainers/experiment_config.h"

namespace facerep::trainers {

std::unique_ptr<BatchStream> make_loader_stream(const ExperimentConfig& config, int rank, int world,
                                                bool pin_memory);

}  // namespace facerep::trainers
