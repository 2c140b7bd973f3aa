#include "data/dataset.h"

#include "core/error.h"
#include "core/logging.h"
#include "data/formats/image_io.h"
#include "data/formats/roi_decode.h"
#include "data/transforms/normalize.h"

namespace facerep::data {

std::vector<std::shared_ptr<Transform>> build_transforms(const std::vector<core::ComponentSpec>& specs) {
  std::vector<std::shared_ptr<Transform>> transforms;
  bool normalized = false;
  for (const auto& spec : specs) {
    std::shared_ptr<Transform> t = transform_registry().build(spec);
    if (normalized && t->needs_uint8())
      throw core::ConfigError(core::SourceLoc{}, spec.path,
                              "'" + spec.type + "' needs 8-bit pixels: list it before 'normalize'");
    if (normalized && t->normalizes())
      throw core::ConfigError(core::SourceLoc{}, spec.path, "'normalize' is listed twice");
    normalized = normalized || t->normalizes();
    transforms.push_back(std::move(t));
  }
  return transforms;
}

std::shared_ptr<Dataset> Dataset::build(const DatasetOptions& options, const SourceContext& ctx) {
  auto transforms = build_transforms(options.transforms);
  std::shared_ptr<Source> source = source_registry().build(options.source, ctx);
  return std::make_shared<Dataset>(std::move(source), std::move(transforms), options, ctx.seed);
}

Dataset::Dataset(std::shared_ptr<Source> source, std::vector<std::shared_ptr<Transform>> transforms,
                 const DatasetOptions& options, uint64_t seed)
    : source_(std::move(source)), transforms_(std::move(transforms)), options_(options), seed_(seed) {
  if (!source_) throw core::RuntimeError("dataset: no source");
  normalization_ = std::make_shared<NormalizeOptions>();
  for (const auto& t : transforms_)
    if (const auto* n = dynamic_cast<const Normalize*>(t.get())) *normalization_ = n->options();
  // Several views share one full decode; region decoding only pays for a single view.
  roi_decode_ = options_.roi_decode && options_.views == 1 && !transforms_.empty() && plans_crop(*transforms_[0]);
}

int64_t Dataset::size() const { return source_->size(); }
const Source& Dataset::source() const { return *source_; }
const NormalizeOptions& Dataset::normalization() const { return *normalization_; }
int64_t Dataset::skipped() const {
  const std::lock_guard<std::mutex> lock(skipped_mutex_);
  return static_cast<int64_t>(skipped_.size());
}

int64_t Dataset::skip_events() const {
  const std::lock_guard<std::mutex> lock(skipped_mutex_);
  return skip_events_;
}

std::optional<std::vector<Sample>> Dataset::get(int64_t index, int64_t epoch) const {
  if (index < 0 || index >= size())
    throw core::RuntimeError("dataset: index " + std::to_string(index) + " out of range [0, " +
                             std::to_string(size()) + ")");
  std::string where = "sample " + std::to_string(index);
  try {
    if (roi_decode_) {
      if (std::optional<EncodedSample> encoded = source_->get_encoded(index)) {
        std::vector<Sample> views;
        views.push_back(transform_encoded(std::move(*encoded), index, epoch, where));
        return views;
      }
    }
    Sample base = source_->get(index);
    if (base.index < 0) base.index = index;
    where += " (" + base.path + ")";
    std::vector<Sample> views;
    views.reserve(options_.views);
    for (int v = 0; v < options_.views; ++v) {
      Sample s = base;
      if (v + 1 < options_.views) {  // transforms may write in place: give each view its own pixels
        s.image = base.image.clone();
        if (!base.region_map.empty()) s.region_map = base.region_map.clone();
      }
      std::mt19937_64 rng = sample_rng(seed_, epoch, index, v);
      for (const auto& t : transforms_) t->apply(s, rng);
      views.push_back(std::move(s));
    }
    return views;
  } catch (const std::exception& e) {
    const std::string reason = where + ": " + e.what();
    if (options_.on_error != "skip") throw core::RuntimeError(reason);
    bool first_time = false;
    int64_t count = 0;
    {
      const std::lock_guard<std::mutex> lock(skipped_mutex_);
      first_time = skipped_.insert(index).second;
      count = static_cast<int64_t>(skipped_.size());
      ++skip_events_;
    }
    if (first_time) core::log_warn("skipped " + reason);  // later epochs meet it silently (counted)
    if (count > options_.max_skipped)
      throw core::RuntimeError(std::to_string(count) + " samples skipped, more than max_skipped = " +
                               std::to_string(options_.max_skipped) + "; last: " + reason);
    return std::nullopt;
  }
}

Sample Dataset::transform_encoded(EncodedSample encoded, int64_t index, int64_t epoch, std::string& where) const {
  Sample s = std::move(encoded.sample);
  if (s.index < 0) s.index = index;
  std::mt19937_64 rng = sample_rng(seed_, epoch, index, 0);
  size_t next = 0;
  if (decode_planned(encoded.data(), encoded.size(), encoded.reduce, s.path, *transforms_[0], rng, s.image))
    next = 1;  // the first transform is done
  else
    s.image = decode_image(encoded.data(), encoded.size(), s.path, encoded.reduce);
  // As on the full path, the sample's path joins `where` once it has decoded (decode errors name it).
  where += " (" + s.path + ")";
  for (; next < transforms_.size(); ++next) transforms_[next]->apply(s, rng);
  return s;
}

}  // namespace facerep::data
