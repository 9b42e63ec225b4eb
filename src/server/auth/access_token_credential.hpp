// Where a request carries an access token: `Authorization: Bearer` (RFC 6750 §2.1), else the
// access token cookie (cookie_names.hpp).
#pragma once

#include <optional>
#include <string_view>

#include "server/http/types.hpp"

namespace signet::server {

struct AccessTokenCredential {
    std::string_view token;  // points into the request
    bool via_cookie = false;
};

// The request's access token, from Bearer or the cookie called `cookie_name`; nullopt when it
// carries none.
std::optional<AccessTokenCredential> access_token_credential(const http::Request& request,
                                                             std::string_view cookie_name);

}  // namespace signet::server
