// A line of an export's entries.jsonl (parse_export_line): the exporter's own layout is read
// without a JSON parser, and every other spelling of the same object, which the parser reads,
// must come out the same; what the parser refuses stays refused.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/base64.h"
#include "ledger/audit_source.h"

namespace pardner::ledger {
namespace {

// Bytes whose base64 holds '+', '/' and '=' padding: every character the layout allows.
const std::string leaf_bytes = "\xfb\xff\xbe{\"kind\":\"transfer\",\"seq\":77}";
const std::string signature_bytes(64, '\xfe');

std::string b64(const std::string& bytes) {
  return crypto::base64_encode({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
}

void expect_entry(const std::string& line, std::int64_t seq) {
  auto entry = parse_export_line(line, 0);
  ASSERT_TRUE(entry) << line << ": " << entry.error().detail;
  EXPECT_EQ(entry.value().seq, seq) << line;
  EXPECT_EQ(entry.value().leaf, leaf_bytes) << line;
  EXPECT_EQ(entry.value().signature, signature_bytes) << line;
}

TEST(ExportLine, TheExportersLayoutIsReadExactly) {
  const std::string leaf = b64(leaf_bytes);
  const std::string signature = b64(signature_bytes);
  ASSERT_NE(leaf.find('+'), std::string::npos);
  ASSERT_NE(leaf.find('/'), std::string::npos);
  ASSERT_NE(leaf.find('='), std::string::npos);
  for (std::int64_t seq : {std::int64_t{0}, std::int64_t{7}, std::int64_t{1'000'000},
                           std::int64_t{999'999'999'999'999'999}}) {
    expect_entry("{\"seq\":" + std::to_string(seq) + ",\"leaf\":\"" + leaf + "\",\"signature\":\"" +
                     signature + "\"}",
                 seq);
  }
}

TEST(ExportLine, EveryOtherSpellingOfTheSameObjectReadsTheSame) {
  const std::string leaf = b64(leaf_bytes);
  const std::string signature = b64(signature_bytes);
  std::string escaped_slash = leaf;  // JSON may write '/' as "\/"
  escaped_slash.replace(escaped_slash.find('/'), 1, "\\/");
  std::string escaped_letter = leaf;  // and any character as \u00XX
  escaped_letter.replace(
      0, 1,
      "\\u00" + std::to_string(static_cast<int>(leaf[0]) / 16) + "0123456789abcdef"[leaf[0] % 16]);
  const std::vector<std::string> spellings = {
      "{\"leaf\":\"" + leaf + "\",\"seq\":42,\"signature\":\"" + signature + "\"}",
      "{ \"seq\" : 42 , \"leaf\" : \"" + leaf + "\" , \"signature\" : \"" + signature + "\" }",
      " {\"seq\":42,\"leaf\":\"" + leaf + "\",\"signature\":\"" + signature + "\"}",
      "{\"seq\":42,\"leaf\":\"" + leaf + "\",\"signature\":\"" + signature + "\"} ",
      "{\"seq\":42,\"leaf\":\"" + escaped_slash + "\",\"signature\":\"" + signature + "\"}",
      "{\"seq\":42,\"leaf\":\"" + escaped_letter + "\",\"signature\":\"" + signature + "\"}",
      "{\"seq\":42,\"leaf\":\"" + leaf + "\",\"signature\":\"" + signature + "\",\"note\":\"x\"}",
  };
  for (const std::string& line : spellings) expect_entry(line, 42);
  // Past the 18 digits the layout takes, the parser reads the number.
  auto largest = parse_export_line(
      "{\"seq\":9223372036854775807,\"leaf\":\"" + leaf + "\",\"signature\":\"" + signature + "\"}",
      0);
  ASSERT_TRUE(largest);
  EXPECT_EQ(largest.value().seq, 9'223'372'036'854'775'807);
}

TEST(ExportLine, WhatTheParserRefusesStaysRefused) {
  const std::string leaf = b64(leaf_bytes);
  const std::string signature = b64(signature_bytes);
  const auto line = [&](const std::string& seq, const std::string& leaf_text,
                        const std::string& tail) {
    return "{\"seq\":" + seq + ",\"leaf\":\"" + leaf_text + "\",\"signature\":\"" + signature +
           "\"" + tail;
  };
  const std::vector<std::string> refused = {
      line("07", leaf, "}"),                     // a leading zero is not JSON
      line("", leaf, "}"),                       // no number
      line("4.5", leaf, "}"),                    // not an integer
      line("\"42\"", leaf, "}"),                 // a string
      line("42", leaf.substr(1), "}"),           // base64 of the wrong length
      line("42", "!" + leaf.substr(1), "}"),     // a character outside base64
      line("42", "\t" + leaf.substr(1), "}"),    // a control character, which JSON refuses
      line("42", leaf, ""),                      // unclosed
      line("42", leaf, "}}"),                    // something after the object
      "{\"seq\":42,\"leaf\":\"" + leaf + "\"}",  // no signature
  };
  for (const std::string& text : refused) {
    auto entry = parse_export_line(text, 5);
    EXPECT_FALSE(entry) << text;
    if (!entry) {
      EXPECT_EQ(entry.error().detail.rfind("entry 5: ", 0), 0U) << entry.error().detail;
    }
  }
}

}  // namespace
}  // namespace pardner::ledger
