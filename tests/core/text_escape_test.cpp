#include <gtest/gtest.h>

#include <cmath>

#include "core/text_escape.h"

namespace facerep::core {
namespace {

TEST(TextEscape, CsvFieldsQuoteOnlyWhenNeededAndDoubleInnerQuotes) {
  EXPECT_EQ(csv_field("/data/a.png"), "/data/a.png");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
}

TEST(TextEscape, JsonStringsAndNumbers) {
  EXPECT_EQ(json_quote("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
  EXPECT_EQ(json_quote(std::string("\x01", 1)), "\"\\u0001\"");
  EXPECT_EQ(json_number(0.1), "0.1");
  EXPECT_EQ(json_number(std::nan("")), "null");
  EXPECT_EQ(json_number(INFINITY), "null");
}

}  // namespace
}  // namespace facerep::core
