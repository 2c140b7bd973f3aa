#include "eval/fewshot/results_log.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

#include <yaml-cpp/yaml.h>

#include "core/error.h"
#include "core/text_escape.h"

namespace facerep::eval::fewshot {
namespace fs = std::filesystem;

std::string CellKey::id() const {
  std::ostringstream os;
  os << checkpoint << "/" << task << "/" << protocol << "/" << regime << "=" << amount << "/seed=" << seed;
  return os.str();
}

std::string config_hash(const std::string& text) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string record_json(const CellRecord& r) {
  using core::json_number;
  using core::json_quote;
  std::string out = "{\"checkpoint\": " + json_quote(r.key.checkpoint) + ", \"task\": " + json_quote(r.key.task) +
                    ", \"protocol\": " + json_quote(r.key.protocol) + ", \"regime\": " + json_quote(r.key.regime) +
                    ", \"amount\": " + json_number(r.key.amount) + ", \"seed\": " + std::to_string(r.key.seed) +
                    ", \"config_hash\": " + json_quote(r.config_hash) + ", \"status\": " + json_quote(r.status) +
                    ", \"error\": " + json_quote(r.error) + ", \"primary\": " + json_quote(r.primary) +
                    ", \"seconds\": " + json_number(r.seconds) + ", \"metrics\": {";
  bool first = true;
  for (const auto& [name, value] : r.metrics) {
    out += (first ? "" : ", ") + json_quote(name) + ": " + json_number(value);
    first = false;
  }
  return out + "}}";
}

CellRecord parse_record(const std::string& line, const std::string& where) {
  CellRecord r;
  try {
    const YAML::Node n = YAML::Load(line);
    if (!n.IsMap()) throw core::RuntimeError(where + ": not a JSON object");
    r.key.checkpoint = n["checkpoint"].as<std::string>();
    r.key.task = n["task"].as<std::string>();
    r.key.protocol = n["protocol"].as<std::string>();
    r.key.regime = n["regime"].as<std::string>();
    r.key.amount = n["amount"].as<double>();
    r.key.seed = n["seed"].as<int>();
    r.config_hash = n["config_hash"].as<std::string>();
    r.status = n["status"].as<std::string>();
    r.error = n["error"].as<std::string>();
    r.primary = n["primary"].as<std::string>();
    r.seconds = n["seconds"].IsNull() ? 0.0 : n["seconds"].as<double>();
    for (const auto& kv : n["metrics"])
      r.metrics[kv.first.as<std::string>()] =
          kv.second.IsNull() ? std::numeric_limits<double>::quiet_NaN() : kv.second.as<double>();
  } catch (const YAML::Exception& e) {
    throw core::RuntimeError(where + ": not a sweep record (" + std::string(e.what()) + ")");
  }
  return r;
}

ResultsLog::ResultsLog(std::string path) : path_(std::move(path)) {
  std::error_code ec;
  if (!fs::exists(path_, ec)) return;
  std::ifstream in(path_, std::ios::binary);
  if (!in) throw core::RuntimeError(path_ + ": cannot read");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t start = 0;
  int64_t line_no = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    ++line_no;
    if (end == std::string::npos) {
      // Killed mid-write: the cell will run again. Cut the fragment so the next append starts
      // on a line of its own.
      ++torn_lines_;
      fs::resize_file(path_, start, ec);
      if (ec) throw core::RuntimeError(path_ + ": cannot cut the torn last line: " + ec.message());
      break;
    }
    const std::string line = text.substr(start, end - start);
    if (!line.empty()) {
      records_.push_back(parse_record(line, path_ + ":" + std::to_string(line_no)));
      index(records_.size() - 1);
    }
    start = end + 1;
  }
}

void ResultsLog::index(size_t i) { latest_[records_[i].key.id()] = i; }

bool ResultsLog::finished(const CellKey& key, const std::string& hash) const {
  const auto it = latest_.find(key.id());
  return it != latest_.end() && records_[it->second].status == "ok" && records_[it->second].config_hash == hash;
}

void ResultsLog::append(const CellRecord& record) {
  const std::string line = record_json(record) + "\n";
  const auto parent = fs::path(path_).parent_path();
  std::error_code ec;
  if (!parent.empty()) fs::create_directories(parent, ec);
  // O_APPEND + fsync: the line is on the disk, whole, before the next cell starts.
  const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0) throw core::RuntimeError(path_ + ": cannot open for appending");
  const ssize_t written = ::write(fd, line.data(), line.size());
  const bool ok = written == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) throw core::RuntimeError(path_ + ": cannot append a record (disk full?)");
  records_.push_back(record);
  index(records_.size() - 1);
}

std::vector<CellRecord> ResultsLog::latest(const std::function<bool(const CellRecord&)>& keep) const {
  // Per key, the last record that `keep` accepts (not merely the last record).
  std::map<std::string, size_t> chosen;
  for (size_t i = 0; i < records_.size(); ++i)
    if (keep(records_[i])) chosen[records_[i].key.id()] = i;
  std::vector<CellRecord> out;
  for (const auto& [id, i] : chosen) out.push_back(records_[i]);
  return out;
}

std::vector<CellRecord> ResultsLog::latest_ok() const {
  std::vector<CellRecord> out;
  for (const auto& [id, i] : latest_)
    if (records_[i].status == "ok") out.push_back(records_[i]);
  return out;
}

}  // namespace facerep::eval::fewshot
