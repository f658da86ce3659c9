// The route table of the HTTPS API: the one list the router, the OpenAPI document and the
// authorisation tests all read, so no endpoint can slip past any of them.
#pragma once

#include <vector>

#include "api/router.h"

namespace pardner::api {

std::vector<Route> api_routes();

}  // namespace pardner::api
