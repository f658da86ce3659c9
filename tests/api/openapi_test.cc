// The OpenAPI document: valid JSON, OpenAPI 3.1, and every routed endpoint in it with its
// method, parameters and security; served at /v1/openapi.json.
#include "api/openapi.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "api/routes.h"
#include "tests/api/api_fixture.h"

namespace pardner::api::testing {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

TEST(OpenApi, DescribesEveryRoutedEndpoint) {
  auto routes = api_routes();
  auto document = boost::json::parse(openapi_document(routes)).as_object();
  EXPECT_EQ(document.at("openapi").as_string(), "3.1.0");
  const auto& paths = document.at("paths").as_object();
  std::size_t operations = 0;
  for (const Route& route : routes) {
    const auto* item = paths.if_contains(route.pattern);
    ASSERT_NE(item, nullptr) << route.pattern;
    const auto* op = item->as_object().if_contains(lower(route.method));
    ASSERT_NE(op, nullptr) << route.method << " " << route.pattern;
    EXPECT_FALSE(op->at("summary").as_string().empty());
    EXPECT_EQ(op->at("security").as_array().empty(), route.roles.is_public()) << route.pattern;
    EXPECT_EQ(op->at("x-pardner-roles").as_array().size(), route.roles.list().size());
    std::size_t query_params = 0;
    if (const auto* params = op->as_object().if_contains("parameters")) {
      for (const auto& param : params->as_array()) {
        if (param.at("in").as_string() == "query") ++query_params;
      }
    }
    EXPECT_EQ(query_params, route.doc.query.size()) << route.pattern;
    ++operations;
  }
  std::size_t documented = 0;
  for (const auto& [path, item] : paths) documented += item.as_object().size();
  EXPECT_EQ(documented, operations) << "the document has an operation no route serves";
}

TEST(OpenApi, EveryFixedLogEndpointIsRouted) {
  // DESIGN.md fixes these; the route table must keep them.
  auto document = boost::json::parse(openapi_document(api_routes())).as_object();
  const auto& paths = document.at("paths").as_object();
  for (std::string_view path : {"/v1/log/checkpoint", "/v1/log/key", "/v1/log/entries",
                                "/v1/log/proof/inclusion", "/v1/log/proof/consistency",
                                "/v1/log/receipt", "/healthz", "/readyz", "/v1/openapi.json"}) {
    ASSERT_NE(paths.if_contains(path), nullptr) << path;
    EXPECT_NE(paths.at(path).as_object().if_contains("get"), nullptr) << path;
  }
}

TEST(OpenApi, TheTrialBalanceTakesAsOf) {
  auto document = boost::json::parse(openapi_document(api_routes())).as_object();
  const auto& op = document.at("paths").at("/v1/reports/trial-balance").at("get");
  ASSERT_EQ(op.at("parameters").as_array().size(), 1u);
  const auto& as_of = op.at("parameters").at(0);
  EXPECT_EQ(as_of.at("name").as_string(), "as_of");
  EXPECT_EQ(as_of.at("in").as_string(), "query");
  EXPECT_EQ(as_of.at("schema").at("type").as_string(), "integer");
}

TEST(OpenApi, SchemaReferencesResolve) {
  auto document = boost::json::parse(openapi_document(api_routes())).as_object();
  const auto& schemas = document.at("components").at("schemas").as_object();
  for (const Route& route : api_routes()) {
    if (!route.doc.response_schema.empty()) {
      EXPECT_NE(schemas.if_contains(route.doc.response_schema), nullptr)
          << route.doc.response_schema;
    }
  }
  EXPECT_NE(schemas.if_contains("Problem"), nullptr);
}

TEST(OpenApi, EveryWriteRouteDescribesItsRequestBody) {
  auto document = boost::json::parse(openapi_document(api_routes())).as_object();
  const auto& schemas = document.at("components").at("schemas").as_object();
  for (const Route& route : api_routes()) {
    if (route.method != "POST") continue;
    const auto& op = document.at("paths").at(route.pattern).at("post").as_object();
    const auto* body = op.if_contains("requestBody");
    ASSERT_NE(body, nullptr) << route.pattern;
    std::string ref(body->at("content").at("application/json").at("schema").at("$ref").as_string());
    EXPECT_NE(schemas.if_contains(ref.substr(ref.rfind('/') + 1)), nullptr) << ref;
    EXPECT_NE(op.at("responses").as_object().if_contains("201"), nullptr) << route.pattern;
  }
}

class OpenApiServed : public ApiTest {};

TEST_F(OpenApiServed, IsServedPublicly) {
  auto response = get("/v1/openapi.json");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, openapi_document(api_routes()));
}

}  // namespace
}  // namespace pardner::api::testing
