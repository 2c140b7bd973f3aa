#pragma once
// Library side of `facerep data synth|pack|check`: export synthetic faces as files, convert any
// source into a packed file, and survey a source for problems.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "data/sources/source.h"
#include "data/synthetic/face.h"

namespace facerep::data {

// Opens a dataset from a bare path, guessing the type: a folder with labels.csv -> list, another
// folder -> image_folder, .csv/.tsv -> list, .rec -> recordio, .frp -> packed.
// Throws core::ConfigError when the path is missing or its type cannot be guessed.
std::shared_ptr<Source> open_source_path(const std::string& path);

struct SynthExportOptions {
  int identities = 10;
  int per_identity = 10;
  uint64_t seed = 0;
  int landmarks = 5;  // 5 or 68
  SyntheticFaceOptions face;
};

// Writes <out>/images/<identity>/<index>.png, <out>/regions/<identity>/<index>.png and
// <out>/labels.csv (path, identity, attr_*, au_*, x<k>/y<k>, region_map; paths relative to <out>),
// which the `list` source reads back with every label. Returns the number of images written.
int64_t export_synthetic(const std::string& out, const SynthExportOptions& options);

struct PackOptions {
  int size = 112;      // output crops are size x size
  bool align = true;   // align samples that have landmarks; others are resized
};

struct PackResult {
  int64_t written = 0, aligned = 0, resized = 0;
};

// Writes every sample of `source` to the packed file `out`. The label layout comes from the
// first sample; a later sample with a different label length is an error naming it.
// `progress(done, total)` is called now and then when given.
PackResult pack_source(const Source& source, const std::string& out, const PackOptions& options,
                       const std::function<void(int64_t, int64_t)>& progress = {});

struct CheckReport {
  std::string description;
  int64_t images = 0;
  int64_t identities = -1;          // from the source (-1 = no identity labels)
  int64_t unlabelled = 0;           // samples with identity -1
  int64_t per_identity_min = 0, per_identity_median = 0, per_identity_max = 0;
  std::vector<std::pair<std::string, std::string>> failures;  // (sample path, reason)
  int64_t failure_count = 0;
  std::map<std::string, int64_t> image_sizes;  // "WxH" -> count
};

// Decodes every sample, collecting unreadable ones (first `max_listed` with reasons).
CheckReport check_source(const Source& source, int64_t max_listed = 20);
std::string format_check_report(const CheckReport& report);

}  // namespace facerep::data
