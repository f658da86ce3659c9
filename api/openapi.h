// The OpenAPI 3.1 document of the API, generated from the route table so it cannot leave an
// endpoint out: paths, methods, parameters, roles (x-pardner-roles), bearer security, response
// media types, and the problem+json schema every error uses.
#pragma once

#include <span>
#include <string>

#include "api/router.h"

namespace pardner::api {

std::string openapi_document(std::span<const Route> routes);

}  // namespace pardner::api
