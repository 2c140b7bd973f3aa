#pragma once
// `type: packed`: one or more facerep packed files (packed_format.h) read as one dataset. Shards
// must share a layout; samples are numbered shard by shard in the order given.
#include <memory>
#include <string>
#include <vector>

#include "data/formats/packed_format.h"
#include "data/sources/source.h"

namespace facerep::data {

struct PackedSourceOptions {
  std::vector<std::string> path;

  template <class V> void visit(V& v) {
    v("path", path, "packed file, or a list of shards (relative to the config)").non_empty();
  }
};

class PackedSource : public Source {
 public:
  PackedSource(const PackedSourceOptions& options, const SourceContext& context);
  int64_t size() const override { return starts_.back(); }
  Sample get(int64_t index) const override;
  int64_t num_identities() const override { return num_identities_; }
  int64_t identity_of(int64_t index) const override;
  std::string describe() const override;
  const PackedLayout& layout() const { return shards_.front()->layout(); }

 private:
  // (shard, index within it) of a global index; throws when out of range.
  std::pair<size_t, int64_t> locate(int64_t index) const;
  std::vector<std::unique_ptr<PackedReader>> shards_;
  std::vector<int64_t> starts_;  // starts_[k] = first global index of shard k; back() = total
  int64_t num_identities_ = 0;
};

}  // namespace facerep::data
