// Builds the OpenAPI document with Boost.JSON. The schemas here describe the formats DESIGN.md
// fixes; the log's formats themselves are produced by ledger/ and crypto/.
#include "api/openapi.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>

namespace pardner::api {
namespace {

namespace json = boost::json;

// Schemas of the JSON bodies, as JSON text (OpenAPI 3.1 uses JSON Schema 2020-12).
constexpr std::string_view schemas_json = R"({
  "Problem": {"type": "object", "description": "RFC 9457 problem details",
    "required": ["type", "title", "status", "code"],
    "properties": {"type": {"type": "string"}, "title": {"type": "string"},
      "status": {"type": "integer"}, "detail": {"type": "string"},
      "code": {"type": "string", "description": "stable machine-readable code"}}},
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
      "proof": {"type": "string", "description": "c2sp.org/tlog-proof@v1 text"}}}
})";

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
  op["responses"] = json::object{{"200", std::move(ok)}, {"default", std::move(problem)}};
  return op;
}

}  // namespace

std::string openapi_document(std::span<const Route> routes) {
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
        {"schemas", json::parse(schemas_json)}}}};
  return json::serialize(document);
}

}  // namespace pardner::api
