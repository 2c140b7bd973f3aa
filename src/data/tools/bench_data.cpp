#include "data/tools/bench_data.h"

#include <algorithm>
#include <chrono>
#include <sstream>

#include <opencv2/core/utility.hpp>

#include "core/config_tree.h"
#include "core/error.h"
#include "data/dataset.h"
#include "data/loader.h"

namespace facerep::data {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Decoding alone, in the calling thread.
double decode_rate(const Source& source, int64_t images, int repeats) {
  std::vector<double> rates;
  const int64_t n = source.size();
  source.get(0);  // warm-up: file cache, decoder tables
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = Clock::now();
    for (int64_t i = 0; i < images; ++i) source.get((r * images + i) % n);
    rates.push_back(images / seconds_since(t0));
  }
  return median(rates);
}

// The loader with `threads` workers, counting images handed to the consumer.
double pipeline_rate(const std::shared_ptr<Dataset>& dataset, int threads, const BenchDataOptions& o,
                     int opencv_threads = 1) {
  LoaderOptions lo;
  lo.opencv_threads = opencv_threads;
  lo.workers = threads;
  lo.prefetch = 2 * std::max(1, threads);
  lo.drop_last = false;
  lo.pin_memory = false;
  std::vector<double> rates;
  for (int r = 0; r < o.repeats; ++r) {
    Loader loader(dataset, lo, o.batch_size, 1000 + r);
    auto next = [&]() {
      for (;;)
        if (auto b = loader.next()) return b->size();
    };
    next();  // warm-up: threads started, queue filling
    int64_t count = 0;
    const auto t0 = Clock::now();
    while (count < o.images) count += next();
    rates.push_back(count / seconds_since(t0));
  }
  return median(rates);
}

std::string fixed(double v, int digits = 1) {
  std::ostringstream os;
  os.setf(std::ios::fixed);
  os.precision(digits);
  os << v;
  return os.str();
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::string run_bench_data(const DataOptions& data, const SourceContext& ctx, const BenchDataOptions& o) {
  if (o.max_threads < 1 || o.images < 1 || o.batch_size < 1 || o.repeats < 1)
    throw core::ConfigError("bench data: threads, images, batch size and repeats must be >= 1");
  DatasetOptions dataset_options = data.train;
  dataset_options.views = 1;
  auto dataset = Dataset::build(dataset_options, ctx);
  const int default_cv_threads = cv::getNumThreads();

  std::ostringstream json;
  json << "{\n  \"source\": " << quoted(dataset->source().describe()) << ",\n";
  json << "  \"batch_size\": " << o.batch_size << ", \"images_per_run\": " << o.images
       << ", \"runs\": " << o.repeats << ", \"statistic\": \"median\",\n";
  // Whether the pipeline figures decode only each JPEG's crop (data.train.roi_decode); the
  // decode-alone figure is always a full decode.
  json << "  \"roi_decode\": " << (dataset->roi_decode() ? "true" : "false") << ",\n";
  json << "  \"decode_images_per_s\": " << fixed(decode_rate(dataset->source(), o.images, o.repeats)) << ",\n";
  json << "  \"pipeline_images_per_s\": {";
  double one = 0, last = 0;
  for (int t = 1; t <= o.max_threads; ++t) {
    cv::setNumThreads(default_cv_threads);  // workers set 1; start each run from the default
    const double rate = pipeline_rate(dataset, t, o);
    if (t == 1) one = rate;
    last = rate;
    json << (t > 1 ? ", " : "") << "\"" << t << "\": " << fixed(rate);
  }
  json << "},\n";
  json << "  \"pipeline_scaling_1_to_" << o.max_threads << "\": " << fixed(last / one, 2) << ",\n";
  // The same run leaving OpenCV's own pool on inside the workers (data.loader.opencv_threads: 0).
  cv::setNumThreads(default_cv_threads);
  json << "  \"pipeline_opencv_default_threads_images_per_s\": {\"" << o.max_threads
       << "\": " << fixed(pipeline_rate(dataset, o.max_threads, o, 0)) << "},\n";
  if (!o.packed.empty()) {
    const core::ConfigTree tree =
        core::ConfigTree::load_string("source: {type: packed, path: [" + quoted(o.packed) + "]}\n", "--packed");
    DatasetOptions packed_options = core::read_options<DatasetOptions>(tree, tree.root(), "");
    packed_options.transforms = dataset_options.transforms;
    packed_options.on_error = dataset_options.on_error;
    packed_options.max_skipped = dataset_options.max_skipped;
    auto packed = Dataset::build(packed_options, ctx);
    json << "  \"packed_source\": " << quoted(packed->source().describe()) << ",\n";
    json << "  \"packed_read_images_per_s\": " << fixed(decode_rate(packed->source(), o.images, o.repeats)) << ",\n";
    cv::setNumThreads(default_cv_threads);
    json << "  \"packed_pipeline_images_per_s\": {\"" << o.max_threads
         << "\": " << fixed(pipeline_rate(packed, o.max_threads, o)) << "},\n";
  } else {
    json << "  \"packed\": \"not measured: pass --packed FILE.frp (make one with facerep data pack)\",\n";
  }
  json << "  \"opencv_default_threads\": " << default_cv_threads << "\n}\n";
  cv::setNumThreads(default_cv_threads);
  return json.str();
}

}  // namespace facerep::data
