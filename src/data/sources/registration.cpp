#include <memory>

#include "data/register.h"
#include "data/sources/image_folder.h"
#include "data/sources/list.h"
#include "data/sources/packed.h"
#include "data/sources/recordio.h"
#include "data/sources/subject_fold.h"
#include "data/sources/synthetic.h"
#include "data/sources/verification_bin.h"

namespace facerep::data {
void register_sources() {
  SourceRegistry& r = source_registry();
  r.add<SyntheticSourceOptions>(
      "synthetic", "procedural faces with identity, attributes, AUs, landmarks and region maps",
      [](const SyntheticSourceOptions& o, const SourceContext& c) { return std::make_shared<SyntheticSource>(o, c); });
  r.add<ImageFolderOptions>(
      "image_folder", "root/<identity>/<image> folders; identities sorted by name",
      [](const ImageFolderOptions& o, const SourceContext& c) { return std::make_shared<ImageFolderSource>(o, c); });
  r.add<ListSourceOptions>(
      "list", "CSV/TSV list: path, identity, attr_*, au_*, value_* (scalar labels), x<k>/y<k> landmarks, region_map",
      [](const ListSourceOptions& o, const SourceContext& c) { return std::make_shared<ListSource>(o, c); });
  r.add<RecordIOOptions>(
      "recordio", "insightface/MXNet .rec + .idx",
      [](const RecordIOOptions& o, const SourceContext& c) { return std::make_shared<RecordIOSource>(o, c); });
  r.add<PackedSourceOptions>(
      "packed", "facerep packed file(s): pre-aligned crops + labels, memory-mapped",
      [](const PackedSourceOptions& o, const SourceContext& c) { return std::make_shared<PackedSource>(o, c); });
  r.add<VerificationBinOptions>(
      "verification_bin", "insightface verification set (lfw.bin, cfp_fp.bin, agedb_30.bin): pairs 2i, 2i+1",
      [](const VerificationBinOptions& o, const SourceContext& c) { return std::make_shared<VerificationBinSource>(o, c); });
  r.add<SubjectFoldOptions>(
      "subject_fold", "one part (train/validation/test) of a subject-exclusive k-fold split of another source",
      [](const SubjectFoldOptions& o, const SourceContext& c) { return std::make_shared<SubjectFoldSource>(o, c); });
}
}  // namespace facerep::data
