#include "data/sources/list.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "core/parse_number.h"
#include "data/formats/image_io.h"
#include "data/sources/image_folder.h"

namespace facerep::data {
namespace fs = std::filesystem;
namespace {

// Splits one CSV/TSV line; double quotes group a field and "" inside quotes is a literal quote.
bool split_fields(const std::string& line, char delim, std::vector<std::string>* out) {
  out->clear();
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') field += '"', ++i;
      else if (c == '"') quoted = false;
      else field += c;
    } else if (c == '"' && field.empty()) {
      quoted = true;
    } else if (c == delim) {
      out->push_back(field);
      field.clear();
    } else {
      field += c;
    }
  }
  out->push_back(field);
  return !quoted;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

// Reads the cells at `columns` of a row: all empty -> absent (empty vector); all numbers -> values.
std::vector<float> numbers(const std::vector<std::string>& cells, const std::vector<size_t>& columns,
                           const std::vector<std::string>& header, const std::string& where) {
  std::vector<float> out;
  size_t empty = 0;
  for (size_t c : columns) empty += trim(cells[c]).empty();
  if (empty == columns.size()) return out;
  for (size_t c : columns) {
    float v = 0;
    const std::string cell = trim(cells[c]);
    if (!core::parse_finite_float(cell, &v))
      throw core::RuntimeError(where + ": column '" + header[c] + "' is not a finite number: '" + cell + "'" +
                               (cell.empty() ? " (a row must give all or none of these columns)" : ""));
    out.push_back(v);
  }
  return out;
}

}  // namespace

cv::Mat read_region_map(const std::string& path) {
  const std::vector<uint8_t> bytes = read_file_bytes(path);
  cv::Mat m;
  try {
    m = cv::imdecode(cv::Mat(1, static_cast<int>(bytes.size()), CV_8U, const_cast<uint8_t*>(bytes.data())),
                     cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception& e) {
    throw core::RuntimeError(path + ": corrupt region map (" + e.msg + ")");
  }
  if (m.empty()) throw core::RuntimeError(path + ": region map is not a readable image");
  if (m.type() != CV_8UC1)
    throw core::RuntimeError(path + ": region map must be 8-bit single-channel, got " +
                             std::to_string(m.channels()) + " channel(s)");
  double max_value = 0;
  cv::minMaxLoc(m, nullptr, &max_value);
  if (max_value >= static_cast<double>(Region::kCount))
    throw core::RuntimeError(path + ": region map value " + std::to_string(static_cast<int>(max_value)) +
                             " is not a Region (0.." + std::to_string(static_cast<int>(Region::kCount) - 1) + ")");
  return m;
}

ListSource::ListSource(const ListSourceOptions& options, const SourceContext& context)
    : file_(resolve_path(context.base_dir, options.path)), reduce_(options.reduce) {
  std::error_code ec;
  if (!fs::is_regular_file(file_, ec)) throw core::ConfigError("list: file '" + file_ + "' not found");
  const std::vector<uint8_t> bytes = read_file_bytes(file_);
  const std::string text(bytes.begin(), bytes.end());
  const std::string folder = fs::path(file_).parent_path().string();

  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
    start = end + 1;
  }
  const char delim = lines[0].find('\t') != std::string::npos ? '\t' : ',';
  std::vector<std::string> header;
  split_fields(lines[0], delim, &header);
  for (auto& h : header) h = trim(h);

  long path_col = -1, id_col = -1, region_col = -1;
  std::vector<size_t> attr_cols, au_cols, value_cols;
  std::map<int, size_t> xs, ys;
  for (size_t c = 0; c < header.size(); ++c) {
    const std::string& h = header[c];
    const std::string where = file_ + ":1";
    int64_t k = 0;
    if (h == "path") path_col = static_cast<long>(c);
    else if (h == "identity") id_col = static_cast<long>(c);
    else if (h == "region_map") region_col = static_cast<long>(c);
    else if (h.rfind("attr_", 0) == 0 && h.size() > 5) attr_cols.push_back(c), attribute_names_.push_back(h.substr(5));
    else if (h.rfind("au_", 0) == 0 && h.size() > 3) au_cols.push_back(c), au_names_.push_back(h.substr(3));
    else if (h.rfind("value_", 0) == 0 && h.size() > 6) value_cols.push_back(c), value_names_.push_back(h.substr(6));
    else if (h.size() > 1 && h[0] == 'x' && core::parse_index(h.substr(1), &k)) xs[static_cast<int>(k)] = c;
    else if (h.size() > 1 && h[0] == 'y' && core::parse_index(h.substr(1), &k)) ys[static_cast<int>(k)] = c;
    else
      throw core::RuntimeError(where + ": unknown column '" + h +
                               "' (expected path, identity, attr_<name>, au_<name>, value_<name>, x<k>, y<k>, region_map)");
  }
  if (path_col < 0) throw core::RuntimeError(file_ + ":1: the header has no 'path' column");
  std::vector<size_t> lm_cols;
  for (size_t k = 0; k < xs.size() || k < ys.size(); ++k) {
    if (!xs.count(static_cast<int>(k)) || !ys.count(static_cast<int>(k)))
      throw core::RuntimeError(file_ + ":1: landmark columns must be x0,y0,x1,y1,... without gaps; missing " +
                               std::string(xs.count(static_cast<int>(k)) ? "y" : "x") + std::to_string(k));
    lm_cols.push_back(xs[static_cast<int>(k)]);
    lm_cols.push_back(ys[static_cast<int>(k)]);
  }

  std::vector<std::string> id_text;
  std::vector<size_t> id_line;  // file line of each row, for errors about its identity
  std::vector<std::string> cells;
  for (size_t li = 1; li < lines.size(); ++li) {
    if (trim(lines[li]).empty()) continue;
    const std::string where = file_ + ":" + std::to_string(li + 1);
    if (!split_fields(lines[li], delim, &cells)) throw core::RuntimeError(where + ": unterminated quote");
    if (cells.size() != header.size())
      throw core::RuntimeError(where + ": expected " + std::to_string(header.size()) + " fields, got " +
                               std::to_string(cells.size()));
    Row row;
    const std::string p = trim(cells[static_cast<size_t>(path_col)]);
    if (p.empty()) throw core::RuntimeError(where + ": empty path");
    row.path = resolve_path(folder, p);
    if (region_col >= 0) {
      const std::string r = trim(cells[static_cast<size_t>(region_col)]);
      if (!r.empty()) row.region_map = resolve_path(folder, r);
    }
    row.attributes = numbers(cells, attr_cols, header, where);
    row.aus = numbers(cells, au_cols, header, where);
    row.values = numbers(cells, value_cols, header, where);
    row.landmarks = numbers(cells, lm_cols, header, where);
    id_text.push_back(id_col >= 0 ? trim(cells[static_cast<size_t>(id_col)]) : "");
    id_line.push_back(li + 1);
    rows_.push_back(std::move(row));
  }
  if (rows_.empty()) throw core::RuntimeError(file_ + ": the list has a header but no rows");

  if (id_col >= 0) read_identities(id_text, id_line, options.identities);
}

// Identities are either all indices (0..N-1, the label space) or all names. A numeric-looking
// cell that is not an index ("-5", "0.5", an index beyond int64) is an error, not a name: one such
// row would otherwise turn every identity into a name, or drop the column.
void ListSource::read_identities(const std::vector<std::string>& id_text, const std::vector<size_t>& lines,
                                 int64_t declared) {
  const auto where = [&](size_t i) { return file_ + ":" + std::to_string(lines[i]); };
  bool all_indices = true;
  int64_t max_id = -1;
  size_t max_row = 0, labelled = 0;
  std::set<std::string> names;
  for (size_t i = 0; i < id_text.size(); ++i) {
    const std::string& t = id_text[i];
    if (t.empty()) continue;
    ++labelled;
    names.insert(t);
    int64_t v = 0;
    if (core::parse_index(t, &v)) {
      if (v > max_id) max_id = v, max_row = i;
    } else if (core::looks_numeric(t)) {
      throw core::RuntimeError(where(i) + ": identity '" + t +
                               "' is a number but not an index (whole, 0 or more, below 2^63); identities are "
                               "indices 0..N-1 or names");
    } else {
      all_indices = false;
    }
  }
  if (all_indices) {
    if (declared > 0 && max_id >= declared)
      throw core::RuntimeError(where(max_row) + ": identity " + std::to_string(max_id) +
                               " is outside the declared label space (identities: " + std::to_string(declared) + ")");
    // A label space far beyond the rows is almost always a typo, and would size a classifier
    // with that many rows (2e9 identities = 16 GB of weights per 1-d embedding).
    const int64_t limit = std::max<int64_t>(1000, 10 * static_cast<int64_t>(labelled));
    if (declared <= 0 && max_id >= limit)
      throw core::RuntimeError(where(max_row) + ": identity " + std::to_string(max_id) + " makes " +
                               std::to_string(max_id + 1) + " classes for " + std::to_string(labelled) +
                               " labelled rows; declare the label space with the list option `identities: N` "
                               "if that is meant");
    for (size_t i = 0; i < rows_.size(); ++i)
      if (!id_text[i].empty()) core::parse_index(id_text[i], &rows_[i].identity);
    num_identities_ = declared > 0 ? declared : max_id + 1;
  } else {
    if (declared > 0)
      throw core::RuntimeError(file_ + ": `identities: " + std::to_string(declared) +
                               "` declares a label space of indices, but the identity column holds names");
    identity_names_.assign(names.begin(), names.end());
    for (size_t i = 0; i < rows_.size(); ++i)
      rows_[i].identity = id_text[i].empty() ? -1
          : std::lower_bound(identity_names_.begin(), identity_names_.end(), id_text[i]) - identity_names_.begin();
    num_identities_ = static_cast<int64_t>(identity_names_.size());
  }
}

int64_t ListSource::identity_of(int64_t index) const { return rows_.at(static_cast<size_t>(index)).identity; }

Sample ListSource::get(int64_t index) const {
  if (index < 0 || index >= size())
    throw core::RuntimeError("list " + file_ + ": index " + std::to_string(index) + " out of range");
  const Row& row = rows_[static_cast<size_t>(index)];
  Sample s;
  s.path = row.path;
  s.index = index;
  s.identity = row.identity;
  s.attributes = row.attributes;
  s.aus = row.aus;
  s.values = row.values;
  s.image = read_image(row.path, reduce_);
  const double scale = 1.0 / reduce_;
  s.landmarks = row.landmarks;
  for (float& v : s.landmarks) v = static_cast<float>(v * scale);
  if (!row.region_map.empty()) {
    cv::Mat m = read_region_map(row.region_map);
    if (reduce_ > 1) cv::resize(m, m, s.image.size(), 0, 0, cv::INTER_NEAREST);
    if (m.size() != s.image.size())
      throw core::RuntimeError(row.region_map + ": region map is " + std::to_string(m.cols) + "x" +
                               std::to_string(m.rows) + " but its image " + row.path + " is " +
                               std::to_string(s.image.cols) + "x" + std::to_string(s.image.rows));
    s.region_map = m;
  }
  return s;
}

std::optional<EncodedSample> ListSource::get_encoded(int64_t index) const {
  if (index < 0 || index >= size())
    throw core::RuntimeError("list " + file_ + ": index " + std::to_string(index) + " out of range");
  const Row& row = rows_[static_cast<size_t>(index)];
  if (!row.landmarks.empty() || !row.region_map.empty()) return std::nullopt;
  EncodedSample e;
  e.sample.path = row.path;
  e.sample.index = index;
  e.sample.identity = row.identity;
  e.sample.attributes = row.attributes;
  e.sample.aus = row.aus;
  e.sample.values = row.values;
  e.bytes = read_file_bytes(row.path);
  e.reduce = reduce_;
  return e;
}

std::string ListSource::describe() const {
  std::string out = "list " + file_ + ": " + std::to_string(rows_.size()) + " images";
  if (num_identities_ >= 0) out += ", " + std::to_string(num_identities_) + " identities";
  if (!attribute_names_.empty()) out += ", " + std::to_string(attribute_names_.size()) + " attributes";
  if (!au_names_.empty()) out += ", " + std::to_string(au_names_.size()) + " AUs";
  if (!value_names_.empty()) out += ", " + std::to_string(value_names_.size()) + " values";
  return out;
}

}  // namespace facerep::data
