#pragma once
// `type: recordio`: insightface/MXNet RecordIO (`train.rec` + `train.idx`).
//
// Layout: each record is uint32 magic 0xced7230a, uint32 (cflag << 29 | length), `length` bytes,
// padding to 4 bytes. cflag 0 is a whole record; 1/2/3 start/continue/end a record that was split
// where its data contained the magic (the reader puts the magic back between parts). A payload is
// IRHeader {uint32 flag; float label; uint64 id; uint64 id2}, then `flag` float labels when
// flag > 0 (the identity is the first), then the encoded image. The .idx has "key<TAB>offset" lines.
// insightface sets start with a header record (key 0, flag > 0) whose label[0] is one past the
// last image key; images are keys 1..label[0]-1 and the identity-range records after them are
// not samples. Without that header every key is an image.
#include <string>
#include <vector>

#include "data/formats/mapped_file.h"
#include "data/sources/source.h"

namespace facerep::data {

struct RecordIOOptions {
  std::string path;
  std::string idx;  // default: path with .idx
  int reduce = 1;

  template <class V> void visit(V& v) {
    v("path", path, "the .rec file (relative to the config)").non_empty();
    v("idx", idx, "the .idx file; empty = path with its extension replaced by .idx "
                  "(scanned from the .rec when that file is absent)");
    v("reduce", reduce, "decode at 1/reduce scale (1, 2, 4, 8)");
    v.require(reduce == 1 || reduce == 2 || reduce == 4 || reduce == 8, "reduce",
              "must be 1, 2, 4 or 8, got " + std::to_string(reduce));
  }
};

class RecordIOSource : public Source {
 public:
  RecordIOSource(const RecordIOOptions& options, const SourceContext& context);
  int64_t size() const override { return static_cast<int64_t>(offsets_.size()); }
  Sample get(int64_t index) const override;
  std::optional<EncodedSample> get_encoded(int64_t index) const override;
  int64_t num_identities() const override { return num_identities_; }
  int64_t identity_of(int64_t index) const override { return identities_.at(static_cast<size_t>(index)); }
  std::string describe() const override;

  // The payload (IRHeader + labels + image) of the record at `offset`, parts joined.
  // Throws core::RuntimeError "<file>@offset <n>: reason".
  std::vector<uint8_t> read_record(uint64_t offset) const;

 private:
  struct Header {
    uint32_t flag;
    std::vector<float> labels;  // label, or the `flag` labels when flag > 0
    size_t image_start;         // in the payload
  };
  Header parse_header(const std::vector<uint8_t>& payload, uint64_t offset) const;
  std::string where(uint64_t offset) const;

  MappedFile rec_;
  int reduce_;
  std::vector<uint64_t> offsets_;
  std::vector<int64_t> keys_;
  std::vector<int64_t> identities_;
  int64_t num_identities_ = 0;
  bool has_header_record_ = false;
};

}  // namespace facerep::data
