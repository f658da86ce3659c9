// POST /v1/members and PUT /v1/members/{id}/profile (admin), GET /v1/members/{id} (admin,
// auditor, the member themself) and GET /v1/members (admin, auditor: the router refuses
// members). Another member's record answers 404 exactly as a missing id does (DESIGN.md
// "Roles").
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "api/handlers/decode.h"
#include "api/handlers/handlers.h"
#include "api/handlers/paging.h"
#include "api/limits.h"
#include "api/params.h"
#include "ledger/limits.h"
#include "ledger/listings.h"

namespace pardner::api::handlers {
namespace {

Problem no_such_member(std::int64_t id) {
  return problem_from(ledger::Error{ledger::Errc::not_found, "no member " + std::to_string(id)});
}

// What GET /v1/members/{id} shows of a member, and each item of GET /v1/members.
boost::json::object member_json(const ledger::Member& member) {
  boost::json::object out{{"id", member.id},
                          {"status", ledger::wire_name(member.status)},
                          {"created_seq", member.created_seq}};
  if (member.display_name) out["display_name"] = *member.display_name;
  if (member.contact) out["contact"] = *member.contact;
  return out;
}

// The body of POST /v1/members and PUT /v1/members/{id}/profile: {display_name?, contact?}.
struct Profile {
  std::optional<std::string> display_name, contact;
};

Decoded<Profile> decode_profile(const Request& request) {
  auto body = decode_body(request, flat_body_depth_max, {"display_name", "contact"});
  if (!body) return body.error();
  auto name = optional_string(body.value(), "display_name", ledger::display_name_bytes_max);
  if (!name) return name.error();
  auto contact = optional_string(body.value(), "contact", ledger::contact_bytes_max);
  if (!contact) return contact.error();
  return Profile{std::move(name.value()), std::move(contact.value())};
}

// PUT /v1/members/{id}/profile's answer: the member's id; no seq, as no entry was made.
void reply_profile_set(Exchange& ex, const ledger::Result<ledger::Applied>& done) {
  if (!done) return ex.fail(done.error());
  boost::json::object out{{"id", done.value().id}};
  ex.reply_json(200, boost::json::serialize(out));
}

}  // namespace

void create_member(Exchange& ex) {
  auto profile = decode_profile(ex.request());
  if (!profile) return ex.fail(profile.error());
  ex.submit(ledger::CreateMember{.idempotency_key = ex.request().idempotency_key,
                                 .display_name = std::move(profile.value().display_name),
                                 .contact = std::move(profile.value().contact)},
            &reply_created);
}

void set_member_profile(Exchange& ex) {
  auto id = id_param(ex, "id");
  if (!id) return ex.fail(id.error());
  // An idempotency record keeps a hash of its request for good, and this request is personal
  // data that must be erasable. Replacing a profile whole is safe to repeat without one.
  if (!ex.request().idempotency_key.empty()) {
    return ex.fail(invalid(
        "a profile is replaced whole, so this request is safe to repeat: send no Idempotency-Key"));
  }
  auto profile = decode_profile(ex.request());
  if (!profile) return ex.fail(profile.error());
  ex.submit(ledger::SetMemberProfile{.member = id.value(),
                                     .display_name = std::move(profile.value().display_name),
                                     .contact = std::move(profile.value().contact)},
            &reply_profile_set);
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
  ex.reply_json(200, boost::json::serialize(member_json(member.value())));
}

void who_am_i(Exchange& ex) {
  // The router admits only signed-in callers here.
  const Principal& caller = *ex.principal();
  boost::json::object out{{"role", wire_name(caller.role)}, {"token", caller.token_id}};
  if (caller.member) {
    auto member = ex.reader().member(*caller.member);
    if (!member) return ex.fail(member.error());
    out["member"] = member_json(member.value());
  }
  ex.reply_json(200, boost::json::serialize(out));
}

void list_members(Exchange& ex) {
  const Request& request = ex.request();
  auto limit = query_page_limit(request, ledger::list_page_max, list_page_default);
  if (!limit) return ex.fail(limit.error());
  auto after = query_cursor(request, list_cursor_chars_max);
  if (!after) return ex.fail(after.error());
  auto status = query_text(request, "status", status_bytes_max);
  if (!status) return ex.fail(status.error());
  ledger::MemberFilter filter;
  if (status.value()) {
    filter.status = ledger::member_status_from(*status.value());
    if (!filter.status) {
      return ex.fail(invalid("query parameter 'status' must be active, suspended or left"));
    }
  }
  auto page = ledger::list_members(ex.reader().db(), filter, after.value(), limit.value());
  if (!page) return ex.fail(page.error());
  boost::json::array items;
  for (const ledger::Member& member : page.value().members) items.emplace_back(member_json(member));
  boost::json::object out{{"members", std::move(items)}};
  if (page.value().next_after) out["next_cursor"] = encode_cursor({*page.value().next_after});
  ex.reply_json(200, boost::json::serialize(out));
}

}  // namespace pardner::api::handlers
