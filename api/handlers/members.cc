// POST /v1/members (admin) and GET /v1/members/{id} (admin, auditor, the member
// themself). Another member's record answers 404 exactly as a missing id does
// (DESIGN.md "Roles").
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "api/handlers/decode.h"
#include "api/handlers/handlers.h"
#include "api/limits.h"
#include "ledger/limits.h"

namespace pardner::api::handlers {
namespace {

Problem no_such_member(std::int64_t id) {
  return problem_from(ledger::Error{ledger::Errc::not_found, "no member " + std::to_string(id)});
}

}  // namespace

void create_member(Exchange& ex) {
  auto body = decode_body(ex.request(), flat_body_depth_max, {"display_name", "contact"});
  if (!body) return ex.fail(body.error());
  auto name = optional_string(body.value(), "display_name", ledger::display_name_bytes_max);
  if (!name) return ex.fail(name.error());
  auto contact = optional_string(body.value(), "contact", ledger::contact_bytes_max);
  if (!contact) return ex.fail(contact.error());
  ex.submit(ledger::CreateMember{.idempotency_key = ex.request().idempotency_key,
                                 .display_name = std::move(name.value()),
                                 .contact = std::move(contact.value())},
            &reply_created);
}

void get_member(Exchange& ex) {
  auto id = id_param(ex, "id");
  if (!id) return ex.fail(id.error());
  if (auto me = calling_member(ex); me && *me != id.value()) {
    return ex.fail(no_such_member(id.value()));
  }
  auto member = ex.reader().member(id.value());
  if (!member) {
    if (member.error().code == ledger::Errc::not_found) return ex.fail(no_such_member(id.value()));
    return ex.fail(member.error());
  }
  const ledger::Member& found = member.value();
  boost::json::object out{{"id", found.id},
                          {"status", ledger::wire_name(found.status)},
                          {"created_seq", found.created_seq}};
  if (found.display_name) out["display_name"] = *found.display_name;
  if (found.contact) out["contact"] = *found.contact;
  ex.reply_json(200, boost::json::serialize(out));
}

}  // namespace pardner::api::handlers
