#pragma once
// The two pieces of JSON text facerep writes by hand (metrics.jsonl, results.json, sweep logs):
// quoted strings and numbers. Reading goes through yaml-cpp, which parses JSON.
#include <string>

namespace facerep::core {

// `s` as a JSON string literal, quotes included (control characters escaped).
std::string json_quote(const std::string& s);
// The shortest text that reads back to the same double; null for NaN and infinities, which
// JSON cannot hold.
std::string json_number(double v);

}  // namespace facerep::core
