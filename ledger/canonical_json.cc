// RFC 8785 encoder. Sorting compares UTF-16 code units (RFC 8785 §3.2.3), which differs from
// UTF-8 byte order only for characters above U+FFFF against U+E000..U+FFFF.
#include "ledger/canonical_json.h"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <span>
#include <vector>

#include "crypto/invariant.h"
#include "ledger/money.h"

namespace pardner::ledger {
namespace {

// Decodes UTF-8 into UTF-16 code units. Input is valid UTF-8 (Boost.JSON validates it).
std::u16string utf16_units(std::string_view text) {
  std::u16string units;
  units.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    auto byte = static_cast<unsigned char>(text[i]);
    std::uint32_t code_point = 0;
    std::size_t length = 1;
    if (byte < 0x80) {
      code_point = byte;
    } else if ((byte & 0xE0) == 0xC0) {
      code_point = byte & 0x1Fu;
      length = 2;
    } else if ((byte & 0xF0) == 0xE0) {
      code_point = byte & 0x0Fu;
      length = 3;
    } else {
      code_point = byte & 0x07u;
      length = 4;
    }
    PARDNER_ASSERT(i + length <= text.size());
    for (std::size_t k = 1; k < length; ++k) {
      code_point = (code_point << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3Fu);
    }
    if (code_point >= 0x10000) {
      code_point -= 0x10000;
      units.push_back(static_cast<char16_t>(0xD800 + (code_point >> 10)));
      units.push_back(static_cast<char16_t>(0xDC00 + (code_point & 0x3FF)));
    } else {
      units.push_back(static_cast<char16_t>(code_point));
    }
    i += length;
  }
  return units;
}

// RFC 8785 §3.2.2.2: JSON.stringify escapes only '"', '\\' and controls below U+0020, the five
// with short forms as \b \t \n \f \r and the rest as \u00xx in lower-case hex.
bool needs_escape(unsigned char byte) { return byte < 0x20 || byte == '"' || byte == '\\'; }

// The escape of a byte needs_escape() names, written into `buffer`.
std::string_view escape_of(unsigned char byte, std::array<char, 6>& buffer) {
  static constexpr char hex[] = "0123456789abcdef";
  switch (byte) {
    case '"':
      return "\\\"";
    case '\\':
      return "\\\\";
    case '\b':
      return "\\b";
    case '\t':
      return "\\t";
    case '\n':
      return "\\n";
    case '\f':
      return "\\f";
    case '\r':
      return "\\r";
    default:
      buffer = {'\\', 'u', '0', '0', hex[byte >> 4], hex[byte & 0xF]};
      return {buffer.data(), buffer.size()};
  }
}

// Runs that need no escape are copied whole.
void append_string(std::string& out, std::string_view text) {
  out.push_back('"');
  std::size_t run = 0;  // start of the bytes not yet copied
  std::array<char, 6> buffer{};
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (!needs_escape(byte)) continue;
    out.append(text.data() + run, i - run);
    run = i + 1;
    out += escape_of(byte, buffer);
  }
  out.append(text.data() + run, text.size() - run);
  out.push_back('"');
}

// UTF-8 byte order is UTF-16 code unit order except between a character above U+FFFF (lead
// byte 0xF0..0xF4) and one in U+E000..U+FFFF (lead byte 0xEE or 0xEF). Names with no byte from
// 0xEE up, which is every name of ours, can be sorted as bytes without a UTF-16 copy.
bool sorts_as_bytes(std::string_view name) {
  return std::none_of(name.begin(), name.end(),
                      [](char c) { return static_cast<unsigned char>(c) >= 0xEE; });
}

void append_value(std::string& out, const boost::json::value& value);

void append_members(std::string& out, std::span<const boost::json::key_value_pair*> members) {
  out.push_back('{');
  bool first = true;
  for (const boost::json::key_value_pair* member : members) {
    if (!first) out.push_back(',');
    first = false;
    append_string(out, member->key());
    out.push_back(':');
    append_value(out, member->value());
  }
  out.push_back('}');
}

// An object's members in canonical order. Entries and fingerprints have a dozen members or
// fewer, sorted in place in `small`; `large` holds more.
using MemberSpan = std::span<const boost::json::key_value_pair*>;
constexpr std::size_t members_on_stack = 16;
MemberSpan ordered_members(const boost::json::object& object,
                           std::array<const boost::json::key_value_pair*, members_on_stack>& small,
                           std::vector<const boost::json::key_value_pair*>& large) {
  MemberSpan members;
  if (object.size() <= members_on_stack) {
    members = MemberSpan(small.data(), object.size());
  } else {
    large.resize(object.size());
    members = MemberSpan(large);
  }
  bool as_bytes = true;
  std::size_t i = 0;
  for (const auto& member : object) {
    members[i++] = &member;
    as_bytes = as_bytes && sorts_as_bytes(member.key());
  }
  if (as_bytes) {
    const auto before = [](const auto* a, const auto* b) {
      return std::string_view(a->key()) < std::string_view(b->key());  // as unsigned
    };
    // Parsed canonical bytes (every leaf a verifier checks) come in order already.
    if (!std::is_sorted(members.begin(), members.end(), before)) {
      std::sort(members.begin(), members.end(), before);
    }
    return members;
  }
  std::vector<std::pair<std::u16string, const boost::json::key_value_pair*>> keyed;
  keyed.reserve(object.size());
  for (const auto* member : members) keyed.emplace_back(utf16_units(member->key()), member);
  std::sort(keyed.begin(), keyed.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t k = 0; k < keyed.size(); ++k) members[k] = keyed[k].second;
  return members;
}

void append_object(std::string& out, const boost::json::object& object) {
  std::array<const boost::json::key_value_pair*, members_on_stack> small{};
  std::vector<const boost::json::key_value_pair*> large;
  append_members(out, ordered_members(object, small, large));
}

void append_value(std::string& out, const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::null: out += "null"; break;
    case boost::json::kind::bool_: out += value.get_bool() ? "true" : "false"; break;
    case boost::json::kind::int64: {
      std::int64_t n = value.get_int64();
      PARDNER_ASSERT(n >= -json_amount_max && n <= json_amount_max);
      out += std::to_string(n);
      break;
    }
    case boost::json::kind::uint64: {
      std::uint64_t n = value.get_uint64();
      PARDNER_ASSERT(n <= static_cast<std::uint64_t>(json_amount_max));
      out += std::to_string(n);
      break;
    }
    case boost::json::kind::double_:
      // No floats anywhere in an entry (DESIGN: the signed log).
      PARDNER_ASSERT(value.kind() != boost::json::kind::double_);
      break;
    case boost::json::kind::string:
      append_string(out, value.get_string());
      break;
    case boost::json::kind::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& element : value.get_array()) {
        if (!first) out.push_back(',');
        first = false;
        append_value(out, element);
      }
      out.push_back(']');
      break;
    }
    case boost::json::kind::object:
      append_object(out, value.get_object());
      break;
  }
}

// Walks a value as append_value would encode it, comparing with `bytes` as it goes instead
// of building the string: decode_leaf's check, once per entry a verifier reads.
class CanonicalMatcher {
 public:
  explicit CanonicalMatcher(std::string_view bytes) : bytes_(bytes) {}

  bool whole(const boost::json::value& value) { return match(value) && pos_ == bytes_.size(); }

 private:
  bool literal(std::string_view text) {
    if (bytes_.size() - pos_ < text.size() || bytes_.compare(pos_, text.size(), text) != 0) {
      return false;
    }
    pos_ += text.size();
    return true;
  }
  bool character(char c) {
    if (pos_ >= bytes_.size() || bytes_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  template <class Integer>
  bool integer(Integer n) {
    PARDNER_ASSERT(static_cast<std::int64_t>(n) >= -json_amount_max);
    PARDNER_ASSERT(n <= static_cast<Integer>(json_amount_max));
    std::array<char, 24> digits{};
    auto [end, ec] = std::to_chars(digits.data(), digits.data() + digits.size(), n);
    PARDNER_ASSERT(ec == std::errc{});
    return literal({digits.data(), static_cast<std::size_t>(end - digits.data())});
  }
  bool string(std::string_view text) {
    if (!character('"')) return false;
    std::size_t run = 0;
    std::array<char, 6> buffer{};
    for (std::size_t i = 0; i < text.size(); ++i) {
      auto byte = static_cast<unsigned char>(text[i]);
      if (!needs_escape(byte)) continue;
      if (!literal(text.substr(run, i - run)) || !literal(escape_of(byte, buffer))) return false;
      run = i + 1;
    }
    return literal(text.substr(run)) && character('"');
  }
  bool object(const boost::json::object& object) {
    std::array<const boost::json::key_value_pair*, members_on_stack> small{};
    std::vector<const boost::json::key_value_pair*> large;
    if (!character('{')) return false;
    bool first = true;
    for (const boost::json::key_value_pair* member : ordered_members(object, small, large)) {
      if (!first && !character(',')) return false;
      first = false;
      if (!string(member->key()) || !character(':') || !match(member->value())) return false;
    }
    return character('}');
  }
  bool match(const boost::json::value& value) {
    switch (value.kind()) {
      case boost::json::kind::null:
        return literal("null");
      case boost::json::kind::bool_:
        return literal(value.get_bool() ? "true" : "false");
      case boost::json::kind::int64:
        return integer(value.get_int64());
      case boost::json::kind::uint64:
        return integer(value.get_uint64());
      case boost::json::kind::double_:
        // No floats anywhere in an entry (DESIGN: the signed log).
        PARDNER_ASSERT(value.kind() != boost::json::kind::double_);
        return false;
      case boost::json::kind::string:
        return string(value.get_string());
      case boost::json::kind::array: {
        if (!character('[')) return false;
        bool first = true;
        for (const auto& element : value.get_array()) {
          if (!first && !character(',')) return false;
          first = false;
          if (!match(element)) return false;
        }
        return character(']');
      }
      case boost::json::kind::object:
        return object(value.get_object());
    }
    return false;
  }

  std::string_view bytes_;
  std::size_t pos_ = 0;
};

}  // namespace

bool is_canonical_json(const boost::json::value& value, std::string_view bytes) {
  return CanonicalMatcher(bytes).whole(value);
}

void append_canonical_string(std::string& out, std::string_view text) { append_string(out, text); }

std::string canonical_json(const boost::json::value& value) {
  std::string out;
  out.reserve(256);
  append_value(out, value);
  return out;
}

std::string canonical_json(const boost::json::object& object) {
  std::string out;
  out.reserve(256);
  append_object(out, object);
  return out;
}

bool canonical_encodable(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::null:
    case boost::json::kind::bool_:
    case boost::json::kind::string:
      return true;
    case boost::json::kind::int64:
      return value.get_int64() >= -json_amount_max && value.get_int64() <= json_amount_max;
    case boost::json::kind::uint64:
      return value.get_uint64() <= static_cast<std::uint64_t>(json_amount_max);
    case boost::json::kind::double_:
      return false;
    case boost::json::kind::array:
      return std::all_of(value.get_array().begin(), value.get_array().end(),
                         [](const auto& element) { return canonical_encodable(element); });
    case boost::json::kind::object:
      return std::all_of(value.get_object().begin(), value.get_object().end(),
                         [](const auto& member) { return canonical_encodable(member.value()); });
  }
  return false;
}

}  // namespace pardner::ledger
