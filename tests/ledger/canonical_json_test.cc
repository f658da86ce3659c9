// RFC 8785 canonical JSON: member order by UTF-16 code units, escapes as JSON.stringify, no
// whitespace; and entries decode only when their bytes are exactly canonical.
#include "ledger/canonical_json.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <random>

#include "ledger/entry.h"
#include "ledger/make_entry.h"

namespace pardner::ledger {
namespace {

TEST(CanonicalJson, SortsMembersAndDropsWhitespace) {
  auto value = boost::json::parse(R"({ "b": [1, 2, {"z": null, "a": true}], "a": "x" })");
  EXPECT_EQ(canonical_json(value), R"({"a":"x","b":[1,2,{"a":true,"z":null}]})");
}

TEST(CanonicalJson, EscapesOnlyWhatJsonStringifyEscapes) {
  boost::json::value value = boost::json::string("q\"b\\ \b\f\n\r\t \x01\x1f / \xC3\xA9 \x7f");
  EXPECT_EQ(canonical_json(value), "\"q\\\"b\\\\ \\b\\f\\n\\r\\t \\u0001\\u001f / \xC3\xA9 \x7f\"");
}

// RFC 8785 §3.2.3's example orders keys by UTF-16 code units: "\r" < "1" < "\u0080" < "\u00f6"
// < "\u20ac" < "\ud83d\ude00" (U+1F600) < "\ufb33" (U+FB33, which sorts after the surrogates
// although its code point is smaller).
TEST(CanonicalJson, SortsKeysByUtf16CodeUnitsAsRfc8785Section323) {
  auto value = boost::json::parse(
      "{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter Dalet "
      "With Dagesh\",\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":"
      "\"Control\",\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}");
  std::string canonical = canonical_json(value);
  std::vector<std::string> order = {"\\r", "1", "\xC2\x80", "\xC3\xB6", "\xE2\x82\xAC",
                                    "\xF0\x9F\x98\x80", "\xEF\xAC\xB3"};
  std::size_t at = 0;
  for (const auto& key : order) {
    auto found = canonical.find("\"" + key + "\"", at);
    ASSERT_NE(found, std::string::npos) << key;
    at = found;
  }
}

TEST(CanonicalJson, IntegersWithinTwoToThe53AreEncodableAndFloatsAreNot) {
  EXPECT_TRUE(canonical_encodable(boost::json::parse("[9007199254740991,-9007199254740991]")));
  EXPECT_FALSE(canonical_encodable(boost::json::parse("9007199254740992")));
  EXPECT_FALSE(canonical_encodable(boost::json::parse("1.5")));
  EXPECT_FALSE(canonical_encodable(boost::json::parse("1e2")));
}

// A random value for the check below: strings with quotes, backslashes, controls and
// characters either side of U+FFFF; objects whose keys go in in random order.
boost::json::value random_value(std::mt19937& rng, int depth) {
  const auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const auto text = [&] {
    static const char* pieces[] = {
        "a",    "b", "z", "\"",       "\\",           "\n",           "\x01",
        "\x1f", " ", "/", "\xC3\xA9", "\xE2\x82\xAC", "\xEF\xAC\xB3", "\xF0\x9F\x98\x80",
        "7"};
    std::string out;
    for (int i = pick(5); i > 0; --i) out += pieces[pick(15)];
    return out;
  };
  switch (depth <= 0 ? pick(4) : pick(6)) {
    case 0:
      return nullptr;
    case 1:
      return pick(2) == 0;
    case 2:
      return static_cast<std::int64_t>(rng() % 2'000'001) - 1'000'000;
    case 3:
      return boost::json::string(text());
    case 4: {
      boost::json::array array;
      for (int i = pick(4); i > 0; --i) array.push_back(random_value(rng, depth - 1));
      return array;
    }
    default: {
      boost::json::object object;
      for (int i = pick(5); i > 0; --i) object[text()] = random_value(rng, depth - 1);
      return object;
    }
  }
}

// decode_leaf's check walks the value against the bytes instead of encoding it: it must say
// yes exactly when the encoder's bytes are the bytes given, for the encoder's own bytes, for
// Boost's serialisation (members in insertion order, its own escapes), and for either changed
// by one byte.
TEST(CanonicalJson, TheInPlaceCheckAgreesWithTheEncoder) {
  const auto seed = static_cast<std::uint32_t>(::testing::UnitTest::GetInstance()->random_seed());
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  int agreed_yes = 0, agreed_no = 0;
  for (int round = 0; round < 3000; ++round) {
    const boost::json::value value = random_value(rng, 3);
    const std::string canonical = canonical_json(value);
    std::vector<std::string> candidates = {canonical, boost::json::serialize(value)};
    for (int k = 0; k < 2; ++k) {
      std::string changed = candidates[static_cast<std::size_t>(k)];
      const std::size_t at = changed.empty() ? 0 : rng() % changed.size();
      switch (rng() % 4) {
        case 0:
          if (!changed.empty()) changed[at] = "{}[]\",: a1\"\\"[rng() % 12];
          break;
        case 1:
          if (!changed.empty()) changed.erase(at, 1);
          break;
        case 2:
          changed.insert(at, 1, ' ');
          break;
        default:
          if (!changed.empty()) changed.pop_back();
          break;
      }
      candidates.push_back(changed);
    }
    for (const std::string& bytes : candidates) {
      const bool expected = bytes == canonical;
      ASSERT_EQ(is_canonical_json(value, bytes), expected) << canonical << " against " << bytes;
      (expected ? agreed_yes : agreed_no) += 1;
    }
  }
  // Both answers were exercised.
  EXPECT_GT(agreed_yes, 3000);
  EXPECT_GT(agreed_no, 3000);
}

TEST(EntryBytes, DecodeOnlyExactlyCanonicalLeaves) {
  std::string leaf = encode_leaf(7, 1795348800LL * 1000000, EntryKind::account_closed,
                                 {{"account", 3}});
  EXPECT_EQ(leaf,
            R"({"account":3,"kind":"account_closed","seq":7,"ts":"2026-11-22T12:00:00.000000Z"})");
  auto entry = decode_leaf(leaf);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry.value().seq, 7);
  EXPECT_EQ(entry.value().kind, EntryKind::account_closed);
  EXPECT_FALSE(decode_leaf(leaf + "\n"));  // a trailing newline changes the bytes
  EXPECT_FALSE(decode_leaf(
      R"({"kind":"account_closed","account":3,"seq":7,"ts":"2026-11-22T12:00:00.000000Z"})"));
  EXPECT_FALSE(decode_leaf(
      R"({"account":3.0,"kind":"account_closed","seq":7,"ts":"2026-11-22T12:00:00.000000Z"})"));
  EXPECT_FALSE(decode_leaf(R"({"account":3,"kind":"nope","seq":7,"ts":"2026-11-22T12:00:00.000000Z"})"));
  EXPECT_FALSE(decode_leaf(R"({"account":3,"kind":"account_closed","seq":7,"ts":"2026-11-22"})"));
}

// The writer projects the entry make_entry built, not one parsed back from its bytes: the two
// must be the same entry, unsigned integers, nested postings and non-ASCII names included.
TEST(EntryBytes, MadeEntryIsTheEntryItsLeafDecodesTo) {
  boost::json::object metadata{{"\xF0\x9F\x98\x80", "emoji"},    // U+1F600, sorts before...
                               {"\xEF\xAC\xB3", "dalet"},        // ...U+FB33 (RFC 8785)
                               {"caf\xC3\xA9", "q\"\\\n\x01"}};  // escapes in a value
  boost::json::object fields{{"transaction", std::uint64_t{12}},
                             {"postings", postings_json({{1, -250}, {2, 250}})},
                             {"memo", "r\xC3\xA9sum\xC3\xA9"},
                             {"metadata", metadata},
                             {"reverses", nullptr}};
  Entry made = make_entry(41, 1795348800LL * 1000000, EntryKind::transaction, fields);
  auto decoded = decode_leaf(made.leaf);
  ASSERT_TRUE(decoded) << decoded.error().detail;
  EXPECT_EQ(made.fields, decoded.value().fields);
  EXPECT_TRUE(made.fields.at("transaction").is_int64());  // as the parser reads it
  EXPECT_EQ(made.seq, decoded.value().seq);
  EXPECT_EQ(made.ts, decoded.value().ts);
  EXPECT_EQ(made.kind, decoded.value().kind);
  EXPECT_EQ(made.leaf, encode_leaf(41, 1795348800LL * 1000000, EntryKind::transaction, fields));
  // Names by UTF-16 code units (U+1F600 before U+FB33), and only JSON.stringify's escapes.
  const std::string metadata_bytes =
      "\"metadata\":{\"caf\xC3\xA9\":\"q\\\"\\\\\\n\\u0001\",\"\xF0\x9F\x98\x80\":\"emoji\","
      "\"\xEF\xAC\xB3\":\"dalet\"}";
  EXPECT_NE(made.leaf.find(metadata_bytes), std::string::npos) << made.leaf;
}

}  // namespace
}  // namespace pardner::ledger
