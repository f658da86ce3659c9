// Entry encoding and decoding. Decoding is strict: a leaf that does not re-encode to itself
// byte for byte is refused, because two encodings of one entry would defeat the signatures.
#include "ledger/entry.h"

#include <boost/json.hpp>

#include "crypto/utf8.h"
#include "ledger/canonical_json.h"
#include "ledger/make_entry.h"

namespace pardner::ledger {
namespace {

// Whether parsing the canonical bytes of `value` gives `value` back, member order aside
// (nothing reads an entry's members in order): strings and names strict UTF-8, so the bytes
// parse; integers within the canonical range, made int64 here as the parser would make them.
// canonical_json has already refused floats and integers out of range.
bool reads_back_as_itself(boost::json::object& object);

bool reads_back_as_itself(boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::null:
    case boost::json::kind::bool_:
    case boost::json::kind::int64: return true;
    case boost::json::kind::uint64:
      if (value.get_uint64() > static_cast<std::uint64_t>(json_amount_max)) return false;
      value = static_cast<std::int64_t>(value.get_uint64());
      return true;
    case boost::json::kind::double_: return false;
    case boost::json::kind::string: return crypto::is_valid_utf8(value.get_string());
    case boost::json::kind::array:
      for (auto& element : value.get_array()) {
        if (!reads_back_as_itself(element)) return false;
      }
      return true;
    case boost::json::kind::object: return reads_back_as_itself(value.get_object());
  }
  return false;
}

bool reads_back_as_itself(boost::json::object& object) {
  for (auto& member : object) {
    if (!crypto::is_valid_utf8(member.key()) || !reads_back_as_itself(member.value())) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string_view wire_name(EntryKind kind) {
  switch (kind) {
    case EntryKind::member_created: return "member_created";
    case EntryKind::member_status_changed: return "member_status_changed";
    case EntryKind::account_opened: return "account_opened";
    case EntryKind::account_closed: return "account_closed";
    case EntryKind::account_floor_changed: return "account_floor_changed";
    case EntryKind::transaction: return "transaction";
    case EntryKind::pending_posted: return "pending_posted";
    case EntryKind::pending_voided: return "pending_voided";
    case EntryKind::pending_expired: return "pending_expired";
    case EntryKind::loan_fund_created: return "loan_fund_created";
    case EntryKind::loan_product_created: return "loan_product_created";
    case EntryKind::loan_applied: return "loan_applied";
    case EntryKind::loan_approved: return "loan_approved";
    case EntryKind::loan_rejected: return "loan_rejected";
    case EntryKind::loan_withdrawn: return "loan_withdrawn";
    case EntryKind::loan_disbursed: return "loan_disbursed";
    case EntryKind::loan_repaid: return "loan_repaid";
    case EntryKind::loan_late_fee_charged: return "loan_late_fee_charged";
    case EntryKind::loan_writeoff_approved: return "loan_writeoff_approved";
    case EntryKind::loan_written_off: return "loan_written_off";
    case EntryKind::loan_recovered: return "loan_recovered";
    case EntryKind::pool_created: return "pool_created";
    case EntryKind::pool_contributed: return "pool_contributed";
    case EntryKind::pool_policy_set: return "pool_policy_set";
    case EntryKind::pool_distributed: return "pool_distributed";
    case EntryKind::round_opened: return "round_opened";
    case EntryKind::round_vote_cast: return "round_vote_cast";
    case EntryKind::round_closed: return "round_closed";
    case EntryKind::dividend_declared: return "dividend_declared";
  }
  return "unknown";
}

std::optional<EntryKind> entry_kind_from(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(entry_kind_last); ++i) {
    auto kind = static_cast<EntryKind>(i);
    if (wire_name(kind) == name) return kind;
  }
  return std::nullopt;
}

Entry make_entry(Seq seq, Timestamp ts, EntryKind kind, boost::json::object fields) {
  PARDNER_ASSERT(!fields.contains("seq"));
  PARDNER_ASSERT(!fields.contains("ts"));
  PARDNER_ASSERT(!fields.contains("kind"));
  PARDNER_ASSERT(seq >= 0);
  fields["seq"] = seq;
  fields["ts"] = format_timestamp(ts);
  fields["kind"] = wire_name(kind);
  Entry entry;
  entry.leaf = canonical_json(fields);
  PARDNER_ASSERT(reads_back_as_itself(fields));
  entry.seq = seq;
  entry.ts = ts;
  entry.kind = kind;
  entry.fields = std::move(fields);
  return entry;
}

std::string encode_leaf(Seq seq, Timestamp ts, EntryKind kind, boost::json::object fields) {
  return make_entry(seq, ts, kind, std::move(fields)).leaf;
}

Result<Entry> decode_leaf(std::string_view leaf, boost::json::storage_ptr storage) {
  boost::json::parse_options options;
  options.max_depth = 8;  // entries are shallow: object -> postings array -> posting object
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(leaf, ec, std::move(storage), options);
  if (ec) return Error{Errc::invalid_argument, "entry is not JSON: " + ec.message()};
  if (!parsed.is_object()) return Error{Errc::invalid_argument, "entry is not a JSON object"};
  if (!canonical_encodable(parsed) || !is_canonical_json(parsed, leaf)) {
    return Error{Errc::invalid_argument, "entry bytes are not canonical JSON"};
  }
  const boost::json::object& fields = parsed.get_object();
  auto seq = int_field(fields, "seq");
  if (!seq) return seq.error();
  auto ts_text = string_view_field(fields, "ts");
  if (!ts_text) return ts_text.error();
  auto ts = parse_timestamp(ts_text.value());
  if (!ts) return Error{Errc::invalid_argument, "entry ts is not an RFC 3339 UTC timestamp"};
  auto kind_text = string_view_field(fields, "kind");
  if (!kind_text) return kind_text.error();
  auto kind = entry_kind_from(kind_text.value());
  if (!kind) {
    return Error{Errc::invalid_argument, "unknown entry kind " + std::string(kind_text.value())};
  }
  // Moved, not assigned, so the fields stay in `storage`.
  return Entry{.seq = seq.value(),
               .ts = *ts,
               .kind = *kind,
               .fields = std::move(parsed.get_object()),
               .leaf = std::string(leaf)};
}

boost::json::array postings_json(const std::vector<Posting>& postings) {
  boost::json::array out;
  out.reserve(postings.size());
  for (const Posting& p : postings) {
    out.push_back(boost::json::object{{"account", p.account}, {"amount", p.amount}});
  }
  return out;
}

Result<std::vector<Posting>> postings_from_json(const boost::json::object& fields) {
  const auto* value = fields.if_contains("postings");
  if (value == nullptr || !value->is_array()) {
    return Error{Errc::invalid_argument, "missing postings array"};
  }
  std::vector<Posting> postings;
  for (const auto& element : value->get_array()) {
    if (!element.is_object()) return Error{Errc::invalid_argument, "posting is not an object"};
    auto account = int_field(element.get_object(), "account");
    auto amount = int_field(element.get_object(), "amount");
    if (!account) return account.error();
    if (!amount) return amount.error();
    postings.push_back({account.value(), amount.value()});
  }
  return postings;
}

Result<std::int64_t> int_field(const boost::json::object& object, std::string_view name) {
  const auto* value = object.if_contains(name);
  if (value == nullptr) return Error{Errc::invalid_argument, "missing field " + std::string(name)};
  if (const auto* n = value->if_int64()) return *n;
  if (const auto* u = value->if_uint64()) {
    if (*u <= static_cast<std::uint64_t>(json_amount_max)) return static_cast<std::int64_t>(*u);
  }
  return Error{Errc::invalid_argument, "field " + std::string(name) + " is not an integer"};
}

Result<std::optional<std::int64_t>> optional_int_field(const boost::json::object& object,
                                                       std::string_view name) {
  const auto* value = object.if_contains(name);
  if (value == nullptr || value->is_null()) return std::optional<std::int64_t>{};
  auto n = int_field(object, name);
  if (!n) return n.error();
  return std::optional<std::int64_t>{n.value()};
}

Result<std::string_view> string_view_field(const boost::json::object& object,
                                           std::string_view name) {
  const auto* value = object.if_contains(name);
  if (value == nullptr) return Error{Errc::invalid_argument, "missing field " + std::string(name)};
  if (const auto* text = value->if_string()) return std::string_view(*text);
  return Error{Errc::invalid_argument, "field " + std::string(name) + " is not a string"};
}

Result<std::string> string_field(const boost::json::object& object, std::string_view name) {
  auto text = string_view_field(object, name);
  if (!text) return text.error();
  return std::string(text.value());
}

Result<std::optional<std::string>> optional_string_field(const boost::json::object& object,
                                                         std::string_view name) {
  const auto* value = object.if_contains(name);
  if (value == nullptr || value->is_null()) return std::optional<std::string>{};
  auto text = string_field(object, name);
  if (!text) return text.error();
  return std::optional<std::string>{text.value()};
}

}  // namespace pardner::ledger
