// Content-Type checks shared by the router and the body decoders.
#pragma once

#include <string_view>

namespace pardner::api {

// Whether a Content-Type names JSON: "application/json", any case, parameters allowed.
bool is_json_media_type(std::string_view content_type);

}  // namespace pardner::api
