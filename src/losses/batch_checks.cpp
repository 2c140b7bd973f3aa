#include "losses/batch_checks.h"

#include <torch/torch.h>

#include "core/error.h"

namespace facerep::losses {

std::string describe_samples(const data::Batch& batch, const std::vector<int64_t>& rows) {
  std::vector<int64_t> picked = rows;
  if (picked.empty())
    for (int64_t i = 0; i < static_cast<int64_t>(batch.paths.size()); ++i) picked.push_back(i);
  constexpr size_t kShown = 4;
  std::string out;
  for (size_t k = 0; k < picked.size() && k < kShown; ++k) {
    const int64_t r = picked[k];
    const std::string path = r < static_cast<int64_t>(batch.paths.size()) ? batch.paths[r] : "?";
    out += (out.empty() ? "" : ", ") + path;
  }
  if (picked.size() > kShown) out += " (+" + std::to_string(picked.size() - kShown) + " more)";
  return out.empty() ? "(no sample paths)" : out;
}

at::Tensor checked_labels(const data::Batch& batch, int64_t num_classes, const std::string& objective) {
  if (!batch.identity.defined())
    throw core::RuntimeError(objective + ": the batch has no identity labels (samples " +
                             describe_samples(batch) + ")");
  const at::Tensor labels = batch.identity.to(torch::kLong);
  // Checked on the host copy: reading the device's would make the host wait for the device.
  const at::Tensor cpu = batch.on_host().identity.to(torch::kLong).contiguous();
  const int64_t* p = cpu.data_ptr<int64_t>();
  std::vector<int64_t> bad;
  std::string values;
  for (int64_t i = 0; i < cpu.numel(); ++i) {
    if (p[i] < 0 || p[i] >= num_classes) {
      if (bad.size() < 4) values += (values.empty() ? "" : ", ") + std::to_string(p[i]);
      bad.push_back(i);
    }
  }
  if (!bad.empty())
    throw core::RuntimeError(objective + ": identity label(s) " + values + " outside [0, " +
                             std::to_string(num_classes) + ") for sample(s) " +
                             describe_samples(batch, bad) +
                             " (-1 means the sample has no identity label)");
  return labels;
}

void check_embeddings(const at::Tensor& embeddings, int64_t expected_dim, const data::Batch& batch,
                      const std::string& objective) {
  if (embeddings.dim() != 2 || embeddings.size(0) != batch.size() ||
      (expected_dim > 0 && embeddings.size(1) != expected_dim)) {
    std::ostringstream shape;
    shape << embeddings.sizes();
    throw core::RuntimeError(objective + ": the model returned embeddings of shape " + shape.str() +
                             ", expected [" + std::to_string(batch.size()) + ", " +
                             std::to_string(expected_dim) + "] (samples " +
                             describe_samples(batch) + ")");
  }
}

}  // namespace facerep::losses
