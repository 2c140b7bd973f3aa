#pragma once
// `data:` options. Torch-free so config validation stays light.
#include <string>
#include <vector>

#include "core/config_visit.h"

namespace facerep::data {

// One dataset: a source plus the transforms applied to each sample.
struct DatasetOptions {
  core::ComponentSpec source;
  std::vector<core::ComponentSpec> transforms;
  int views = 1;
  std::string on_error = "fail";
  int max_skipped = 0;
  bool roi_decode = true;

  template <class V> void visit(V& v) {
    v.component("source", source, "source", "where samples come from", "synthetic");
    v.components("transforms", transforms, "transform", "per-sample transforms, in order");
    v("views", views, "augmented views per sample (2 for instance discrimination)").min(1).max(8);
    v("on_error", on_error, "a bad sample: fail (stop, naming it) or skip (log and count it)")
        .one_of({"fail", "skip"});
    v("max_skipped", max_skipped, "with on_error: skip, fail once more than this many distinct samples are skipped (a bad "
      "file counts once however many epochs meet it)")
        .min(0);
    v("roi_decode", roi_decode,
      "with views: 1 and a first transform resize/center_crop/random_resized_crop, decode only "
      "that crop of each JPEG (image_folder and list rows without landmarks/region maps, recordio) "
      "at the smallest DCT scale that covers the output: same crops, faster, slightly different "
      "resampling; false decodes in full");
  }
};

struct LoaderOptions {
  int workers = 2;
  int prefetch = 4;  // batches ready ahead, per loader
  core::ComponentSpec sampler;
  bool drop_last = true;
  bool pin_memory = true;  // only when CUDA is used
  int opencv_threads = 1;

  template <class V> void visit(V& v) {
    v("workers", workers, "decoding/augmentation threads; 0 = in the training thread").min(0).max(256);
    v("prefetch", prefetch, "batches prepared ahead").min(1);
    v.component("sampler", sampler, "sampler", "order in which samples are drawn", "shuffle");
    v("drop_last", drop_last, "drop the last incomplete batch of an epoch");
    v("pin_memory", pin_memory, "pinned host memory + non-blocking copies on CUDA");
    v("opencv_threads", opencv_threads,
      "OpenCV threads once worker threads run (process-wide: OpenCV's pool is global); "
      "1 avoids oversubscription, 0 leaves OpenCV's default")
        .min(0);
  }
};

struct DataOptions {
  DatasetOptions train;
  LoaderOptions loader;

  template <class V> void visit(V& v) {
    v.section("train", train, "training dataset");
    v.section("loader", loader, "batching and threading");
  }
};

}  // namespace facerep::data
