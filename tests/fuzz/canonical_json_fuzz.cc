// Fuzzes the RFC 8785 encoder that makes every signed leaf (ledger/canonical_json.h) and the leaf
// decoder (ledger/entry.h). For any JSON text the encoder takes: decode -> encode -> decode gives
// the same value, encoding is idempotent, and object members come out sorted by UTF-16 code
// units, checked here by a comparison written independently of the encoder's. A violation aborts.
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/canonical_json.h"
#include "ledger/entry.h"

namespace {

[[noreturn]] void violated(const char* what, std::string_view encoded) {
  std::fprintf(stderr, "canonical_json_fuzz: %s: %.*s\n", what, static_cast<int>(encoded.size()),
               encoded.data());
  std::abort();
}

// The code points of valid UTF-8 `text`, each mapped to a number whose order is the order of
// its UTF-16 encoding: supplementary characters (surrogate pairs, D800..DFFF) sort after
// U+D7FF and before U+E000..U+FFFF. Comparing these sequences compares the UTF-16 strings.
std::vector<std::uint32_t> utf16_order(std::string_view text) {
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < text.size();) {
    auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    std::uint32_t cp = length == 1 ? lead : lead & (0x7Fu >> length);
    for (std::size_t k = 1; k < length && i + k < text.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3Fu);
    }
    if (cp >= 0x10000) {
      out.push_back(0xD800 + (cp - 0x10000));  // below 0xE000 + 0x100000, above 0xD7FF
    } else if (cp >= 0xE000) {
      out.push_back(cp + 0x100000);
    } else {
      out.push_back(cp);
    }
    i += length;
  }
  return out;
}

// Every object in `value` (parsed from canonical text, so in the text's order) has its members
// strictly ascending by UTF-16 code units.
bool members_sorted(const boost::json::value& value) {
  if (value.is_array()) {
    for (const auto& element : value.get_array()) {
      if (!members_sorted(element)) return false;
    }
  }
  if (!value.is_object()) return true;
  const boost::json::object& object = value.get_object();
  std::vector<std::uint32_t> previous;
  bool first = true;
  for (const auto& member : object) {
    std::vector<std::uint32_t> key = utf16_order(member.key());
    if (!first && !(previous < key)) return false;
    first = false;
    previous = std::move(key);
    if (!members_sorted(member.value())) return false;
  }
  return true;
}

boost::json::parse_options options() {
  boost::json::parse_options parse;
  parse.max_depth = 64;
  return parse;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // The leaf decoder must refuse or accept any bytes without crashing; what it accepts is
  // canonical by its own check, so accepting means the bytes re-encode to themselves.
  auto entry = pardner::ledger::decode_leaf(input);
  if (entry && entry.value().leaf != input) violated("decode_leaf changed the leaf", input);

  boost::system::error_code ec;
  boost::json::value decoded = boost::json::parse(input, ec, {}, options());
  if (ec || !pardner::ledger::canonical_encodable(decoded)) return 0;
  std::string encoded = pardner::ledger::canonical_json(decoded);

  boost::json::value again = boost::json::parse(encoded, ec, {}, options());
  if (ec) violated("the encoding does not parse", encoded);
  if (again != decoded) violated("decode -> encode -> decode changed the value", encoded);
  if (!pardner::ledger::canonical_encodable(again)) violated("re-decoded not encodable", encoded);
  if (pardner::ledger::canonical_json(again) != encoded) violated("encode not idempotent", encoded);
  if (!members_sorted(again)) violated("members not in UTF-16 order", encoded);
  // No insignificant whitespace: outside strings, the encoding holds none.
  bool in_string = false;
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    char c = encoded[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        violated("a raw control character in a string", encoded);
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      violated("whitespace outside strings", encoded);
    }
  }
  return 0;
}
