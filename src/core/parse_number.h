#pragma once
// Numbers read from text files users give (list files, landmark files): the whole cell must be
// the number, and nothing non-finite gets through (NaN or inf landmarks would silently turn
// crops into flat colour; an overflowing index would silently become another label).
#include <cstdint>
#include <string>

namespace facerep::core {

// A finite float filling all of `s` ("nan", "inf", "1e99" and "3abc" are rejected).
bool parse_finite_float(const std::string& s, float* out);

// A non-negative whole number of decimal digits that fits int64 ("-5", "0.5", "1e3", "" are not).
bool parse_index(const std::string& s, int64_t* out);

// Whether `s` reads as a number at all (sign, digits, point, exponent; "nan"/"inf" included):
// used to tell "a malformed number" from "a name".
bool looks_numeric(const std::string& s);

}  // namespace facerep::core
