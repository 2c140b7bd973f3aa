#pragma once
// Text that facerep writes by hand and must escape: JSON strings and numbers (metrics.jsonl,
// results.json, sweep logs; reading goes through yaml-cpp, which parses JSON) and CSV fields
// (embeddings, sweep results).
#include <string>

namespace facerep::core {

// `s` as a JSON string literal, quotes included (control characters escaped).
std::string json_quote(const std::string& s);
// The shortest text that reads back to the same double; null for NaN and infinities, which
// JSON cannot hold.
std::string json_number(double v);
// `s` as one CSV field: unchanged unless it holds a comma, quote or newline, else quoted with
// inner quotes doubled (RFC 4180).
std::string csv_field(const std::string& s);

}  // namespace facerep::core
