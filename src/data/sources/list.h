#pragma once
// `type: list`: a CSV or TSV file with a header row. Columns: `path` (required), and any of
// `identity` (integer class index or a name; names are sorted to give indices), `attr_<name>`,
// `au_<name>`, landmark pairs `x0,y0,x1,y1,...`, `region_map` (a PNG of Region values).
// Relative paths resolve against the list's folder. Empty cells mean "label absent" for that row.
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "data/sources/source.h"

namespace facerep::data {

struct ListSourceOptions {
  std::string path;
  int reduce = 1;
  int64_t identities = 0;

  template <class V> void visit(V& v) {
    v("path", path, "CSV/TSV list file (relative to the config)").non_empty();
    v("identities", identities,
      "size of the identity label space when the column holds indices (0 = largest index + 1, which must "
      "stay below max(1000, 10 x labelled rows))")
        .min(0).max(int64_t{1} << 31);
    v("reduce", reduce, "decode at 1/reduce scale (1, 2, 4, 8); landmarks and region maps follow");
    v.require(reduce == 1 || reduce == 2 || reduce == 4 || reduce == 8, "reduce",
              "must be 1, 2, 4 or 8, got " + std::to_string(reduce));
  }
};

class ListSource : public Source {
 public:
  ListSource(const ListSourceOptions& options, const SourceContext& context);
  int64_t size() const override { return static_cast<int64_t>(rows_.size()); }
  Sample get(int64_t index) const override;
  // std::nullopt for rows with landmarks or a region map (they follow the full decode).
  std::optional<EncodedSample> get_encoded(int64_t index) const override;
  int64_t num_identities() const override { return num_identities_; }
  int64_t identity_of(int64_t index) const override;
  std::string describe() const override;

  const std::vector<std::string>& attribute_names() const { return attribute_names_; }
  const std::vector<std::string>& au_names() const { return au_names_; }
  const std::vector<std::string>& value_names() const { return value_names_; }
  // Identity names when the column held names (empty when it held indices or is absent).
  const std::vector<std::string>& identity_names() const { return identity_names_; }

 private:
  void read_identities(const std::vector<std::string>& id_text, const std::vector<size_t>& lines, int64_t declared);

  struct Row {
    std::string path;
    std::string region_map;
    int64_t identity = -1;
    std::vector<float> attributes, aus, values, landmarks;
  };
  std::string file_;
  int reduce_;
  std::vector<Row> rows_;
  std::vector<std::string> attribute_names_, au_names_, value_names_, identity_names_;
  int64_t num_identities_ = -1;
};

// Reads a region map PNG (8-bit single channel of Region values); throws naming the path.
cv::Mat read_region_map(const std::string& path);

}  // namespace facerep::data
