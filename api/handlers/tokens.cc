// POST /v1/tokens and POST /v1/tokens/{id}/revoke (admin). The token is made here with
// crypto::generate_access_token; only its SHA-256 hash goes to the writer (CreateAccessToken),
// and the token itself appears once, in the 201 answer, and nowhere else. Tokens live outside
// the log, so these writes make no entry.
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <limits>

#include "api/handlers/decode.h"
#include "api/handlers/handlers.h"
#include "api/limits.h"
#include "crypto/access_token.h"

namespace pardner::api::handlers {

void create_token(Exchange& ex) {
  auto body = decode_body(ex.request(), flat_body_depth_max, {"role", "member", "label"});
  if (!body) return ex.fail(body.error());
  const boost::json::object& fields = body.value();
  auto role_name = required_string(fields, "role", role_bytes_max);
  if (!role_name) return ex.fail(role_name.error());
  auto role = ledger::role_from(role_name.value());
  if (!role) return ex.fail(invalid(R"("role" must be admin, member or auditor)"));
  auto member = optional_integer(fields, "member", 0, std::numeric_limits<std::int64_t>::max());
  if (!member) return ex.fail(member.error());
  if (*role == Role::member && !member.value()) {
    return ex.fail(invalid(R"(a member token needs "member")"));
  }
  auto label = optional_string(fields, "label", token_label_bytes_max);
  if (!label) return ex.fail(label.error());
  // Made here, hashed at once; the closure holds the token only until it is answered. No
  // idempotency key: a retry makes another token (each answer shows its own, once).
  std::string token = crypto::generate_access_token();
  // Hashed before the call: the closure below takes the token, and argument order is unspecified.
  crypto::Hash token_hash = crypto::access_token_hash(token);
  ex.submit(
      ledger::CreateAccessToken{.token_hash = token_hash,
                                .role = *role,
                                .member = member.value(),
                                .label = label.value().value_or("")},
      [token = std::move(token)](Exchange& done_ex, const ledger::Result<ledger::Applied>& done) {
        if (!done) return done_ex.fail(done.error());
        boost::json::object out{{"id", done.value().id}, {"token", token}};
        done_ex.reply_json(201, boost::json::serialize(out));
      });
}

void revoke_token(Exchange& ex) {
  auto id = id_param(ex, "id");
  if (!id) return ex.fail(id.error());
  auto body = decode_optional_body(ex.request(), flat_body_depth_max, {});
  if (!body) return ex.fail(body.error());
  ex.submit(ledger::RevokeAccessToken{.idempotency_key = ex.request().idempotency_key,
                                      .token = id.value()},
            [](Exchange& done_ex, const ledger::Result<ledger::Applied>& done) {
              if (!done) return done_ex.fail(done.error());
              boost::json::object out{{"id", done.value().id}, {"revoked", true}};
              done_ex.reply_json(200, boost::json::serialize(out));
            });
}

}  // namespace pardner::api::handlers
