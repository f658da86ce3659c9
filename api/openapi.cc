// Builds the OpenAPI document with Boost.JSON. The schemas here describe the formats DESIGN.md
// fixes; the log's formats themselves are produced by ledger/ and crypto/.
#include "api/openapi.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>

#include "api/openapi_dividends.h"
#include "api/openapi_loans.h"
#include "api/openapi_pools.h"

namespace pardner::api {
namespace {

namespace json = boost::json;

// Schemas of the JSON bodies, as JSON text (OpenAPI 3.1 uses JSON Schema 2020-12).
constexpr std::string_view schemas_json = R"({
  "Problem": {"type": "object", "description": "RFC 9457 problem details",
    "required": ["type", "title", "status", "code"],
    "properties": {"type": {"type": "string"}, "title": {"type": "string"},
      "status": {"type": "integer"}, "detail": {"type": "string"},
      "code": {"type": "string", "description": "stable machine-readable code"},
      "index": {"type": "integer", "description": "the transaction of a batch it is about"},
      "results": {"type": "array", "items": {"$ref": "#/components/schemas/BatchItemResult"},
        "description": "an atomic batch refused: every item's result"}}},
  "Status": {"type": "object", "properties": {"status": {"type": "string"}}},
  "Entries": {"type": "object", "required": ["entries"],
    "properties": {"entries": {"type": "array", "items": {"type": "object",
      "required": ["seq", "leaf", "signature"],
      "properties": {"seq": {"type": "integer"},
        "leaf": {"type": "string", "contentEncoding": "base64",
                 "description": "the entry's canonical JSON (RFC 8785), the signed bytes"},
        "signature": {"type": "string", "contentEncoding": "base64",
                      "description": "Ed25519 over exactly the leaf bytes"}}}}}},
  "InclusionProof": {"type": "object", "required": ["seq", "size", "hashes"],
    "properties": {"seq": {"type": "integer"}, "size": {"type": "integer"},
      "hashes": {"type": "array", "items": {"type": "string", "contentEncoding": "base64"}}}},
  "ConsistencyProof": {"type": "object", "required": ["from", "to", "hashes"],
    "properties": {"from": {"type": "integer"}, "to": {"type": "integer"},
      "hashes": {"type": "array", "items": {"type": "string", "contentEncoding": "base64"}}}},
  "Receipt": {"type": "object", "required": ["seq", "leaf", "signature", "proof"],
    "properties": {"seq": {"type": "integer"},
      "leaf": {"type": "string", "contentEncoding": "base64"},
      "signature": {"type": "string", "contentEncoding": "base64"},
      "proof": {"type": "string", "description": "c2sp.org/tlog-proof@v1 text"}}},
  "Created": {"type": "object", "required": ["id", "seq"],
    "properties": {"id": {"type": "integer"},
      "seq": {"type": "integer", "description": "the log entry that made it"}}},
  "MemberRef": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}},
  "Member": {"type": "object", "required": ["id", "status", "created_seq"],
    "properties": {"id": {"type": "integer"},
      "status": {"enum": ["active", "suspended", "left"]},
      "created_seq": {"type": "integer"}, "display_name": {"type": "string"},
      "contact": {"type": "string"}}},
  "Me": {"type": "object", "required": ["role", "token"],
    "properties": {"role": {"enum": ["admin", "member", "auditor"]}, "token": {"type": "integer"},
      "member": {"$ref": "#/components/schemas/Member"}}},
  "MemberList": {"type": "object", "required": ["members"],
    "properties": {"members": {"type": "array", "items": {"$ref": "#/components/schemas/Member"}},
      "next_cursor": {"type": "string", "description": "present when more members follow"}}},
  "Account": {"type": "object",
    "required": ["id", "code", "type", "currency", "closed", "opened_seq", "debits_posted",
                 "credits_posted", "debits_pending", "credits_pending", "balance"],
    "properties": {"id": {"type": "integer"}, "code": {"type": "string"},
      "type": {"enum": ["asset", "liability", "equity", "income", "expense"]},
      "currency": {"type": "string"}, "member": {"type": "integer"},
      "closed": {"type": "boolean"}, "floor": {"type": "integer"},
      "opened_seq": {"type": "integer"}, "closed_seq": {"type": "integer"},
      "as_of": {"type": "integer"},
      "debits_posted": {"type": "integer"}, "credits_posted": {"type": "integer"},
      "debits_pending": {"type": "integer"}, "credits_pending": {"type": "integer"},
      "balance": {"type": "integer", "description": "posted, on the account's normal side"}}},
  "AccountList": {"type": "object", "required": ["accounts"],
    "properties": {"accounts": {"type": "array",
        "items": {"$ref": "#/components/schemas/Account"}},
      "next_cursor": {"type": "string", "description": "present when more accounts follow"}}},
  "AccountTransactions": {"type": "object", "required": ["account", "transactions"],
    "properties": {"account": {"type": "integer"},
      "next_cursor": {"type": "string", "description": "present when more transactions follow"},
      "transactions": {"type": "array", "items": {"type": "object",
        "required": ["id", "seq", "status", "value_date", "memo", "amount"],
        "properties": {"id": {"type": "integer"},
          "seq": {"type": "integer", "description": "the entry that created it"},
          "status": {"enum": ["posted", "pending", "voided", "expired"]},
          "value_date": {"type": "string", "format": "date"}, "memo": {"type": "string"},
          "amount": {"type": "integer", "description":
            "this account's postings in it, positive debit, negative credit: posted once posted, else reserved"},
          "resolved_seq": {"type": "integer",
            "description": "the entry that posted, voided or expired it"}}}}}},
  "TrialBalance": {"type": "object", "required": ["currencies"],
    "properties": {"as_of": {"type": "integer"}, "currencies": {"type": "array", "items": {"type": "object",
      "required": ["currency", "debits", "credits", "accounts"],
      "properties": {"currency": {"type": "string"}, "debits": {"type": "integer"},
        "credits": {"type": "integer"}, "accounts": {"type": "integer"}}}}}},
  "NewMember": {"type": "object", "additionalProperties": false,
    "properties": {"display_name": {"type": "string", "maxLength": 200},
      "contact": {"type": "string", "maxLength": 500}}},
  "NewAccount": {"type": "object", "additionalProperties": false, "required": ["code", "type"],
    "properties": {"code": {"type": "string", "maxLength": 200},
      "type": {"enum": ["asset", "liability", "equity", "income", "expense"]},
      "currency": {"type": "string", "maxLength": 3}, "member": {"type": "integer"},
      "floor": {"type": "integer", "minimum": -9007199254740991, "maximum": 9007199254740991}}},
  "NewTransaction": {"oneOf": [
    {"type": "object", "additionalProperties": false,
     "required": ["debit_account", "credit_account", "amount"],
     "properties": {"debit_account": {"type": "integer"}, "credit_account": {"type": "integer"},
       "amount": {"type": "integer", "minimum": 1, "maximum": 9007199254740991},
       "memo": {"type": "string", "maxLength": 512}, "idempotency_key": {"type": "string"}}},
    {"type": "object", "additionalProperties": false, "required": ["postings"],
     "properties": {"postings": {"type": "array", "maxItems": 128, "items": {"type": "object",
         "additionalProperties": false, "required": ["account", "amount"],
         "properties": {"account": {"type": "integer"}, "amount": {"type": "integer",
           "minimum": -9007199254740991, "maximum": 9007199254740991}}}},
       "memo": {"type": "string", "maxLength": 512},
       "metadata": {"type": "object", "maxProperties": 32,
                    "additionalProperties": {"type": "string", "maxLength": 256}},
       "value_date": {"type": "string", "format": "date"}, "pending": {"type": "boolean"},
       "timeout_seconds": {"type": "integer"}, "idempotency_key": {"type": "string"}}}]},
  "NewTransactionBatch": {"type": "object", "additionalProperties": false,
    "required": ["transactions"],
    "properties": {"atomic": {"type": "boolean", "default": false,
        "description": "all applied or none; else each applied or refused on its own"},
      "transactions": {"type": "array", "minItems": 1, "maxItems": 1000,
        "description": "idempotency keys distinct within the batch; no Idempotency-Key header",
        "items": {"allOf": [{"$ref": "#/components/schemas/NewTransaction"},
          {"required": ["idempotency_key"],
           "properties": {"idempotency_key": {"type": "string", "minLength": 1,
                                              "maxLength": 128}}}]}}}},
  "BatchItemResult": {"type": "object", "required": ["index", "status"],
    "properties": {"index": {"type": "integer"},
      "status": {"type": "integer", "description":
        "as POST /v1/transactions alone: 201, 200 for a replay, else the problem's status"},
      "id": {"type": "integer"}, "seq": {"type": "integer"},
      "problem": {"$ref": "#/components/schemas/Problem"}}},
  "BatchResults": {"type": "object", "required": ["results"],
    "properties": {"results": {"type": "array",
      "items": {"$ref": "#/components/schemas/BatchItemResult"}}}},
  "Empty": {"type": "object", "additionalProperties": false,
    "description": "an empty object, or no body at all"},
  "Action": {"type": "object", "additionalProperties": false,
    "description": "may be empty or absent; the key may come in the Idempotency-Key header",
    "properties": {"idempotency_key": {"type": "string", "maxLength": 128}}},
  "PostPending": {"type": "object", "additionalProperties": false,
    "properties": {"amount": {"type": "integer", "minimum": 1, "maximum": 9007199254740991},
      "value_date": {"type": "string", "format": "date"},
      "idempotency_key": {"type": "string", "maxLength": 128}}},
  "Reverse": {"type": "object", "additionalProperties": false,
    "properties": {"memo": {"type": "string", "maxLength": 512},
      "idempotency_key": {"type": "string", "maxLength": 128}}},
  "TokenRequest": {"type": "object", "additionalProperties": false, "required": ["role"],
    "properties": {"role": {"enum": ["admin", "member", "auditor"]},
      "member": {"type": "integer", "description": "required for a member token"},
      "label": {"type": "string", "maxLength": 100}}},
  "NewToken": {"type": "object", "required": ["id", "token"],
    "properties": {"id": {"type": "integer"},
      "token": {"type": "string", "description": "the bearer token; shown only here"}}},
  "RevokedToken": {"type": "object", "required": ["id", "revoked"],
    "properties": {"id": {"type": "integer"}, "revoked": {"const": true}}},
  "Transaction": {"type": "object",
    "required": ["id", "seq", "status", "value_date", "postings", "memo"],
    "properties": {"id": {"type": "integer"}, "seq": {"type": "integer"},
      "status": {"enum": ["posted", "pending", "voided", "expired"]},
      "value_date": {"type": "string", "format": "date"},
      "postings": {"type": "array", "items": {"type": "object", "required": ["account", "amount"],
        "properties": {"account": {"type": "integer"}, "amount": {"type": "integer"}}}},
      "memo": {"type": "string"},
      "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
      "timeout": {"type": "string"}, "resolved_seq": {"type": "integer"},
      "reverses": {"type": "integer"}, "reversed_by": {"type": "integer"}}},
  "Statement": {"type": "object", "required": ["account", "lines"],
    "properties": {"account": {"type": "integer"},
      "next_cursor": {"type": "string", "description": "present when more lines follow"},
      "lines": {"type": "array", "items": {"type": "object",
        "required": ["seq", "transaction", "amount", "value_date", "balance_after", "memo"],
        "properties": {"seq": {"type": "integer"}, "transaction": {"type": "integer"},
          "amount": {"type": "integer", "description": "positive debit, negative credit"},
          "value_date": {"type": "string", "format": "date"},
          "balance_after": {"type": "integer"}, "memo": {"type": "string"}}}}}}
})";

// The request body each write route takes, by "METHOD pattern". RouteDoc has no field for it
// yet, so the write routes are listed here (the loan routes' in api/openapi_loans.h); the
// OpenAPI test checks each names a route.
constexpr RequestBodyDoc request_bodies[] = {
    {"POST /v1/members", "NewMember"},
    {"PUT /v1/members/{id}/profile", "NewMember"},
    {"POST /v1/accounts", "NewAccount"},
    {"POST /v1/transactions", "NewTransaction"},
    {"POST /v1/transactions/batch", "NewTransactionBatch"},
    {"POST /v1/transactions/{id}/post", "PostPending"},
    {"POST /v1/transactions/{id}/void", "Action"},
    {"POST /v1/transactions/{id}/reverse", "Reverse"},
    {"POST /v1/accounts/{id}/close", "Empty"},
    {"POST /v1/tokens", "TokenRequest"},
    {"POST /v1/tokens/{id}/revoke", "Empty"},
};

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "GET /v1/log/proof/inclusion" -> "get_v1_log_proof_inclusion".
std::string operation_id(const Route& route) {
  std::string id = lower(route.method);
  for (std::string_view segment : split_path(route.pattern)) {
    id += '_';
    for (char c : segment) {
      if (std::isalnum(static_cast<unsigned char>(c))) id += c;
    }
  }
  return id;
}

json::object operation(const Route& route) {
  json::object op;
  op["operationId"] = operation_id(route);
  op["summary"] = route.doc.summary;
  json::array parameters;
  for (std::string_view segment : split_path(route.pattern)) {
    if (segment.size() > 2 && segment.front() == '{') {
      parameters.emplace_back(json::object{{"name", segment.substr(1, segment.size() - 2)},
                                           {"in", "path"},
                                           {"required", true},
                                           {"schema", {{"type", "integer"}, {"minimum", 0}}}});
    }
  }
  for (const ParamDoc& param : route.doc.query) {
    json::object schema{{"type", param.integer ? "integer" : "string"}};
    if (param.integer) schema["minimum"] = 0;
    parameters.emplace_back(json::object{{"name", param.name},
                                         {"in", "query"},
                                         {"required", param.required},
                                         {"description", param.description},
                                         {"schema", std::move(schema)}});
  }
  if (!parameters.empty()) op["parameters"] = std::move(parameters);

  json::array roles;
  for (Role role : route.roles.list()) roles.emplace_back(wire_name(role));
  op["x-pardner-roles"] = std::move(roles);
  if (route.roles.is_public()) {
    op["security"] = json::array{};
  } else {
    op["security"] = json::array{json::object{{"bearer", json::array{}}}};
  }

  json::object media;
  if (!route.doc.response_schema.empty()) {
    media["schema"] = {{"$ref", "#/components/schemas/" + std::string(route.doc.response_schema)}};
  }
  json::object ok{{"description", "OK"},
                  {"content", json::object{{route.doc.response_type, std::move(media)}}}};
  json::object problem{
      {"description", "A problem (RFC 9457) with a stable code"},
      {"content",
       {{"application/problem+json", {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}};
  std::string key = std::string(route.method) + " " + std::string(route.pattern);
  std::string_view body_schema;
  for (const RequestBodyDoc& body : request_bodies) {
    if (body.operation == key) body_schema = body.schema;
  }
  for (const RequestBodyDoc& body : loan_request_bodies) {
    if (body.operation == key) body_schema = body.schema;
  }
  for (const RequestBodyDoc& body : pool_request_bodies) {
    if (body.operation == key) body_schema = body.schema;
  }
  for (const RequestBodyDoc& body : dividend_request_bodies) {
    if (body.operation == key) body_schema = body.schema;
  }
  if (!body_schema.empty()) {
    op["requestBody"] = json::object{
        {"required", true},
        {"content",
         {{"application/json",
           {{"schema", {{"$ref", "#/components/schemas/" + std::string(body_schema)}}}}}}}};
    // Writes answer 201 when they make something, 200 when they replay an idempotency key.
    if (route.doc.may_create) {
      op["responses"] =
          json::object{{"201", ok}, {"200", std::move(ok)}, {"default", std::move(problem)}};
      return op;
    }
  }
  op["responses"] = json::object{{"200", std::move(ok)}, {"default", std::move(problem)}};
  return op;
}

}  // namespace

std::string openapi_document(std::span<const Route> routes) {
  json::object schemas = json::parse(schemas_json).as_object();
  const json::value loan_schemas = json::parse(loan_schemas_json);
  for (const auto& schema : loan_schemas.as_object()) {
    schemas[schema.key()] = schema.value();
  }
  const json::value pool_schemas = json::parse(pool_schemas_json);
  for (const auto& schema : pool_schemas.as_object()) {
    schemas[schema.key()] = schema.value();
  }
  const json::value dividend_schemas = json::parse(dividend_schemas_json);
  for (const auto& schema : dividend_schemas.as_object()) {
    schemas[schema.key()] = schema.value();
  }
  json::object paths;
  for (const Route& route : routes) {
    json::value& item = paths[route.pattern];
    if (!item.is_object()) item.emplace_object();
    item.get_object()[lower(route.method)] = operation(route);
  }
  json::object document{
      {"openapi", "3.1.0"},
      {"info",
       {{"title", "Pardner"},
        {"version", "1"},
        {"description",
         "A community-finance ledger with a signed, verifiable log. Errors are "
         "application/problem+json with a stable code."}}},
      {"paths", std::move(paths)},
      {"components",
       {{"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}},
        {"schemas", std::move(schemas)}}}};
  return json::serialize(document);
}

}  // namespace pardner::api
