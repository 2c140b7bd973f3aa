#pragma once
// The record of a few-shot sweep: one JSON line per finished cell in results.jsonl, appended and
// flushed as each cell ends, so a killed sweep loses at most the cell it was running. Reopening
// the log tells the sweep which cells are done (same key and same config hash, status ok); failed
// cells are recorded with their error and run again on the next start.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace facerep::eval::fewshot {

// One cell of the grid: checkpoint x task x protocol x low-data regime x seed.
struct CellKey {
  std::string checkpoint;
  std::string task;
  std::string protocol;
  std::string regime;  // "shots" (samples per class) or "fraction" (of the training set)
  double amount = 0;   // the shots or the fraction
  int seed = 0;

  // "checkpoint/task/protocol/shots=5/seed=2": unique within a sweep, readable in logs.
  std::string id() const;
};

struct CellRecord {
  CellKey key;
  std::string config_hash;               // of everything that decides the cell's numbers
  std::string status = "ok";             // "ok" or "failed"
  std::string error;                     // the failure's message
  std::string primary;                   // the metric tables and plots show
  std::map<std::string, double> metrics;
  double seconds = 0;                    // wall time of the cell
};

// A stable 16-hex-digit hash (FNV-1a, 64 bit) of `text`, e.g. a cell's resolved config.
std::string config_hash(const std::string& text);

// One record as a JSON line (no newline) and back. parse_record throws core::RuntimeError
// naming `where` on a line that is not a complete record.
std::string record_json(const CellRecord& record);
CellRecord parse_record(const std::string& line, const std::string& where);

class ResultsLog {
 public:
  // Reads `path` when it exists. A last line without its newline (a sweep killed mid-write) is
  // cut from the file and counted in torn_lines(); any other unreadable line is an error naming
  // the file and line.
  explicit ResultsLog(std::string path);

  // True when an ok record with this key and hash exists.
  bool finished(const CellKey& key, const std::string& config_hash) const;
  // Appends one line and flushes it to the disk before returning.
  void append(const CellRecord& record);
  // Every record, oldest first; for a key recorded twice, both (callers take the latest).
  const std::vector<CellRecord>& records() const { return records_; }
  // The latest record of each key among those `keep` accepts, in key order.
  std::vector<CellRecord> latest(const std::function<bool(const CellRecord&)>& keep) const;
  // The latest record of each key, where that record is ok.
  std::vector<CellRecord> latest_ok() const;
  int64_t torn_lines() const { return torn_lines_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  void index(size_t i);  // records_[i] becomes the latest of its key

  std::vector<CellRecord> records_;
  std::map<std::string, size_t> latest_;  // key id -> index of its latest record
  int64_t torn_lines_ = 0;
};

}  // namespace facerep::eval::fewshot
