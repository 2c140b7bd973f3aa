#include "data/loader.h"

#include <algorithm>

#include <opencv2/core/utility.hpp>
#include <torch/cuda.h>

#include "core/error.h"
#include "data/collate.h"

namespace facerep::data {

namespace {
// OpenCV's thread count is process-wide and cv::setNumThreads rebuilds its (TBB) pool, which
// crashes a thread that is inside cv::resize at that moment. So it is set from the consumer
// thread before workers start, serialised, and only when it changes.
void set_opencv_threads(int threads) {
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  if (threads > 0 && cv::getNumThreads() != threads) cv::setNumThreads(threads);
}

Batch pinned(Batch b) {
  auto pin = [](at::Tensor& t) {
    if (t.defined()) t = t.pin_memory();
  };
  for (auto& v : b.views) pin(v);
  if (!b.views.empty()) b.images = b.views[0];
  for (at::Tensor* t : b.label_tensors()) pin(*t);
  return b;
}
}  // namespace

Loader::Loader(std::shared_ptr<Dataset> dataset, const LoaderOptions& options, int64_t batch_size, uint64_t seed,
               int rank, int world_size, bool pin_memory)
    : dataset_(std::move(dataset)), options_(options) {
  if (!dataset_) throw core::RuntimeError("loader: no dataset");
  SamplerContext ctx;
  ctx.source = &dataset_->source();
  ctx.dataset_size = dataset_->size();
  ctx.batch_size = batch_size;
  ctx.drop_last = options_.drop_last;
  ctx.seed = seed;
  ctx.rank = rank;
  ctx.world_size = world_size;
  // Options built in code (not read from a config) leave the sampler unset: the config's default.
  const core::ComponentSpec spec = options_.sampler.empty()
                                       ? core::component_from_yaml("sampler", "{type: shuffle}", "data.loader.sampler")
                                       : options_.sampler;
  sampler_ = sampler_registry().build(spec, ctx);
  batches_per_epoch_ = sampler_->batches_per_epoch();
  if (batches_per_epoch_ < 1)
    throw core::ConfigError("data.loader: batch size " + std::to_string(batch_size) + " leaves no batch per epoch (" +
                            std::to_string(ctx.dataset_size) + " samples over " + std::to_string(world_size) +
                            " ranks, drop_last: " + (ctx.drop_last ? "true" : "false") + ")");
  pin_ = pin_memory && options_.pin_memory && torch::cuda::is_available();
}

Loader::~Loader() { stop_workers(); }

int64_t Loader::batches_per_epoch() const { return batches_per_epoch_; }
LoaderPosition Loader::position() const { return position_; }

std::shared_ptr<const BatchList> Loader::batches_of(int64_t epoch) {
  std::lock_guard<std::mutex> lock(cache_mu_);
  auto it = epoch_cache_.find(epoch);
  if (it != epoch_cache_.end()) return it->second;
  auto list = std::make_shared<const BatchList>(sampler_->epoch_batches(epoch));
  if (static_cast<int64_t>(list->size()) != batches_per_epoch_)
    throw core::RuntimeError("loader: sampler gave " + std::to_string(list->size()) + " batches for epoch " +
                             std::to_string(epoch) + ", expected " + std::to_string(batches_per_epoch_));
  // Workers run at most a few batches ahead: two epochs cover any boundary.
  while (!epoch_cache_.empty() && epoch_cache_.begin()->first < epoch - 1) epoch_cache_.erase(epoch_cache_.begin());
  epoch_cache_[epoch] = list;
  return list;
}

Loader::Result Loader::load(int64_t global_batch) {
  Result r;
  try {
    const int64_t epoch = global_batch / batches_per_epoch_;
    const auto list = batches_of(epoch);
    const auto& indices = (*list)[global_batch % batches_per_epoch_];
    std::vector<std::vector<Sample>> samples;
    samples.reserve(indices.size());
    for (int64_t index : indices) {
      auto views = dataset_->get(index, epoch);
      if (views) samples.push_back(std::move(*views));
    }
    if (!samples.empty()) {
      Batch b = collate(samples);
      r.batch = pin_ ? pinned(std::move(b)) : std::move(b);
    }
  } catch (...) {
    r.error = std::current_exception();
  }
  return r;
}

void Loader::worker_loop() {
  const int64_t ahead = std::max(options_.prefetch, options_.workers);
  for (;;) {
    int64_t job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      work_cv_.wait(lock, [&] { return stop_ || next_job_ < consumed_ + ahead; });
      if (stop_) return;
      job = next_job_++;
    }
    Result r = load(job);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) return;
      ready_[job] = std::move(r);
    }
    ready_cv_.notify_all();
  }
}

void Loader::start_workers() {
  started_ = true;
  stop_ = false;
  ready_.clear();
  next_job_ = consumed_ = global_id(position_);
  if (options_.workers > 0) set_opencv_threads(options_.opencv_threads);  // workers are the parallelism
  for (int i = 0; i < options_.workers; ++i) threads_.emplace_back([this] { worker_loop(); });
}

void Loader::stop_workers() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
  ready_.clear();
  started_ = false;
}

void Loader::seek(const LoaderPosition& p) {
  if (p.epoch < 0 || p.batch < 0 || p.batch > batches_per_epoch_)
    throw core::RuntimeError("loader: cannot seek to epoch " + std::to_string(p.epoch) + " batch " +
                             std::to_string(p.batch) + " (an epoch has " + std::to_string(batches_per_epoch_) +
                             " batches)");
  stop_workers();
  position_ = p;
}

std::optional<Batch> Loader::next() {
  for (;;) {
    if (position_.batch >= batches_per_epoch_) {
      position_ = {position_.epoch + 1, 0};
      return std::nullopt;
    }
    const int64_t id = global_id(position_);
    Result r;
    if (options_.workers == 0) {
      r = load(id);
    } else {
      if (!started_) start_workers();
      std::unique_lock<std::mutex> lock(mu_);
      ready_cv_.wait(lock, [&] { return ready_.count(id) > 0; });
      r = std::move(ready_[id]);
      ready_.erase(id);
      consumed_ = id + 1;
      lock.unlock();
      work_cv_.notify_all();
    }
    ++position_.batch;
    if (r.error) std::rethrow_exception(r.error);
    if (r.batch) return std::move(r.batch);
  }
}

}  // namespace facerep::data
