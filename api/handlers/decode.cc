// Body decoding shared by the write handlers. Boost.JSON validates UTF-8 and
// bounds the depth; we look at numbers' kinds ourselves, so 1.0 and 1e3
// (doubles) never pass for integers.
#include "api/handlers/decode.h"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "api/limits.h"
#include "api/media_type.h"
#include "api/params.h"
#include "crypto/utf8.h"
#include "ledger/limits.h"
#include "ledger/money.h"
#include "ledger/time.h"

namespace pardner::api::handlers {
namespace {

std::string in_quotes(std::string_view name) { return "\"" + std::string(name) + "\""; }

// A Boost.JSON SAX handler that only watches object keys: boost::json::parse keeps the last
// of two equal keys silently, and two readers of one body must never disagree on its fields.
class DuplicateKeys {
 public:
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);
  using ec_t = boost::system::error_code;
  using sv = boost::json::string_view;

  bool on_document_begin(ec_t&) { return true; }
  bool on_document_end(ec_t&) { return true; }
  bool on_array_begin(ec_t&) { return true; }
  bool on_array_end(std::size_t, ec_t&) { return true; }
  bool on_object_begin(ec_t&) {
    open_.emplace_back();
    return true;
  }
  bool on_object_end(std::size_t, ec_t&) {
    open_.pop_back();
    return true;
  }
  bool on_string_part(sv, std::size_t, ec_t&) { return true; }
  bool on_string(sv, std::size_t, ec_t&) { return true; }
  bool on_key_part(sv part, std::size_t, ec_t&) {
    key_.append(part.data(), part.size());
    return true;
  }
  bool on_key(sv part, std::size_t, ec_t&) {
    key_.append(part.data(), part.size());
    bool fresh = open_.back().insert(key_).second;
    if (!fresh) duplicate_ = crypto::utf8_prefix(key_, quoted_name_bytes_max);
    key_.clear();
    return fresh;  // false stops the parser at the first duplicate
  }
  bool on_number_part(sv, ec_t&) { return true; }
  bool on_int64(std::int64_t, sv, ec_t&) { return true; }
  bool on_uint64(std::uint64_t, sv, ec_t&) { return true; }
  bool on_double(double, sv, ec_t&) { return true; }
  bool on_bool(bool, ec_t&) { return true; }
  bool on_null(ec_t&) { return true; }
  bool on_comment_part(sv, ec_t&) { return true; }
  bool on_comment(sv, ec_t&) { return true; }

  const std::optional<std::string>& duplicate() const { return duplicate_; }

 private:
  std::vector<std::set<std::string>> open_;  // the keys of each object being read
  std::string key_;
  std::optional<std::string> duplicate_;
};

// The first key repeated within one object of `body` (JSON already known to be well-formed
// and no deeper than the route allows).
std::optional<std::string> duplicate_key(std::string_view body,
                                         const boost::json::parse_options& options) {
  boost::json::basic_parser<DuplicateKeys> parser(options);
  boost::system::error_code ec;
  parser.write_some(false, body.data(), body.size(), ec);
  return parser.handler().duplicate();
}

}  // namespace

Problem invalid(std::string detail) {
  return make_problem(ApiErrc::invalid_argument, std::move(detail));
}

Decoded<Ok> refuse_unknown_fields(const boost::json::object& object,
                                  std::initializer_list<std::string_view> allowed,
                                  std::string_view where) {
  for (const auto& field : object) {
    bool known = false;
    for (std::string_view name : allowed) known = known || field.key() == name;
    // Keys may be long: name at most a prefix of one, and never echo a value.
    if (!known) {
      std::string_view key = field.key();
      return invalid(std::string(where) + "unknown field " +
                     in_quotes(crypto::utf8_prefix(key, quoted_name_bytes_max)));
    }
  }
  return Ok{};
}

Decoded<boost::json::object> decode_body(const Request& request, std::size_t depth_max,
                                         std::initializer_list<std::string_view> allowed) {
  auto body = decode_object_body(request, depth_max);
  if (!body) return body;
  if (auto known = refuse_unknown_fields(body.value(), allowed, ""); !known) return known.error();
  return body;
}

Decoded<boost::json::object> decode_object_body(const Request& request, std::size_t depth_max) {
  // The router checks the media type of non-empty bodies; an empty one must not
  // slip past.
  if (!is_json_media_type(request.content_type)) {
    return make_problem(ApiErrc::unsupported_media_type, "send the body as application/json");
  }
  boost::json::parse_options options;
  options.max_depth = depth_max;
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(request.body, ec, {}, options);
  if (ec) return make_problem(ApiErrc::malformed_json, "the body is not JSON: " + ec.message());
  if (!value.is_object()) return make_problem(ApiErrc::malformed_json, "the body is not an object");
  if (auto repeated = duplicate_key(request.body, options)) {
    return make_problem(ApiErrc::malformed_json,
                        "the body repeats the field " + in_quotes(*repeated));
  }
  return std::move(value.get_object());
}

Decoded<boost::json::object> decode_optional_body(const Request& request, std::size_t depth_max,
                                                  std::initializer_list<std::string_view> allowed) {
  if (request.body.empty()) return boost::json::object{};
  return decode_body(request, depth_max, allowed);
}

Decoded<std::optional<std::string>> optional_string(const boost::json::object& object,
                                                    std::string_view name, std::size_t bytes_max) {
  const boost::json::value* value = object.if_contains(name);
  if (value == nullptr) return std::optional<std::string>{};
  if (!value->is_string()) return invalid(in_quotes(name) + " must be a string");
  const boost::json::string& text = value->get_string();
  if (text.size() > bytes_max) {
    return invalid(in_quotes(name) + " is longer than " + std::to_string(bytes_max) + " bytes");
  }
  return std::optional<std::string>(std::string(text));
}

Decoded<std::string> required_string(const boost::json::object& object, std::string_view name,
                                     std::size_t bytes_max) {
  auto text = optional_string(object, name, bytes_max);
  if (!text) return text.error();
  if (!text.value()) return invalid(in_quotes(name) + " is required");
  return std::move(*text.value());
}

Decoded<std::optional<std::int64_t>> optional_integer(const boost::json::object& object,
                                                      std::string_view name, std::int64_t min,
                                                      std::int64_t max) {
  const boost::json::value* value = object.if_contains(name);
  if (value == nullptr) return std::optional<std::int64_t>{};
  const std::int64_t* number = value->if_int64();
  if (number == nullptr || *number < min || *number > max) {
    return invalid(in_quotes(name) + " must be an integer from " + std::to_string(min) + " to " +
                   std::to_string(max));
  }
  return std::optional<std::int64_t>(*number);
}

Decoded<std::int64_t> required_integer(const boost::json::object& object, std::string_view name,
                                       std::int64_t min, std::int64_t max) {
  auto number = optional_integer(object, name, min, max);
  if (!number) return number.error();
  if (!number.value()) return invalid(in_quotes(name) + " is required");
  return *number.value();
}

Decoded<ledger::Minor> amount_of(const boost::json::value& value, std::string_view name) {
  // DESIGN.md "Money": integers only, |amount| <= 2^53-1; a double is never
  // rounded.
  const std::int64_t* number = value.if_int64();
  if (number == nullptr || *number < -ledger::json_amount_max ||
      *number > ledger::json_amount_max) {
    return invalid(in_quotes(name) +
                   " must be an integer of minor units, at most 2^53-1 in magnitude");
  }
  return ledger::Minor{*number};
}

Decoded<std::optional<ledger::Minor>> optional_amount(const boost::json::object& object,
                                                      std::string_view name) {
  const boost::json::value* value = object.if_contains(name);
  if (value == nullptr) return std::optional<ledger::Minor>{};
  auto amount = amount_of(*value, name);
  if (!amount) return amount.error();
  return std::optional<ledger::Minor>(amount.value());
}

Decoded<ledger::Minor> required_amount(const boost::json::object& object, std::string_view name) {
  const boost::json::value* value = object.if_contains(name);
  if (value == nullptr) return invalid(in_quotes(name) + " is required");
  return amount_of(*value, name);
}

Decoded<std::optional<ledger::Date>> optional_date(const boost::json::object& object,
                                                   std::string_view name) {
  auto text = optional_string(object, name, value_date_bytes_max);
  if (!text) return text.error();
  if (!text.value()) return std::optional<ledger::Date>{};
  auto date = ledger::parse_date(*text.value());
  if (!date) return invalid(in_quotes(name) + " must be a date, YYYY-MM-DD");
  return std::optional<ledger::Date>(*date);
}

Decoded<std::optional<bool>> optional_bool(const boost::json::object& object,
                                           std::string_view name) {
  const boost::json::value* value = object.if_contains(name);
  if (value == nullptr) return std::optional<bool>{};
  if (!value->is_bool()) return invalid(in_quotes(name) + " must be true or false");
  return std::optional<bool>(value->get_bool());
}

Decoded<std::int64_t> id_param(const Exchange& ex, std::string_view name) {
  auto id = parse_decimal(ex.path_param(name), 0, std::numeric_limits<std::int64_t>::max());
  if (!id) return invalid("the " + std::string(name) + " in the path is not a decimal id");
  return *id;
}

std::optional<ledger::MemberId> calling_member(const Exchange& ex) {
  if (ex.principal() && ex.principal()->role == Role::member) return ex.principal()->member;
  return std::nullopt;
}

void reply_created(Exchange& ex, const ledger::Result<ledger::Applied>& done) {
  if (!done) return ex.fail(done.error());
  boost::json::object body{{"id", done.value().id}, {"seq", done.value().seq}};
  ex.reply_json(done.value().replayed ? 200 : 201, boost::json::serialize(body));
}

void reply_applied(Exchange& ex, const ledger::Result<ledger::Applied>& done) {
  if (!done) return ex.fail(done.error());
  boost::json::object body{{"id", done.value().id}, {"seq", done.value().seq}};
  ex.reply_json(200, boost::json::serialize(body));
}

Decoded<std::string> idempotency_key(const Request& request, const boost::json::object& body) {
  auto field = optional_string(body, "idempotency_key", ledger::idempotency_key_bytes_max);
  if (!field) return field.error();
  const std::string& header = request.idempotency_key;
  if (header.size() > ledger::idempotency_key_bytes_max) {
    return invalid("Idempotency-Key is longer than " +
                   std::to_string(ledger::idempotency_key_bytes_max) + " bytes");
  }
  if (field.value() && !header.empty() && *field.value() != header) {
    return invalid(R"(the Idempotency-Key header and the "idempotency_key" field differ)");
  }
  std::string key = field.value() ? *field.value() : header;
  if (key.empty()) return invalid("an Idempotency-Key header is required: this moves money");
  return key;
}

}  // namespace pardner::api::handlers
