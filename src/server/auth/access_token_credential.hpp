// Where a request carries an access token: `Authorization: Bearer` (RFC 6750 §2.1), else the
// `signet_at` cookie.
#pragma once

#include <optional>
#include <string_view>

#include "server/http/types.hpp"

namespace signet::server {

inline constexpr const char* kAccessTokenCookie = "signet_at";

struct AccessTokenCredential {
    std::string_view token;  // points into the request
    bool via_cookie = false;
};

// The request's access token, or nullopt when it carries none.
std::optional<AccessTokenCredential> access_token_credential(const http::Request& request);

}  // namespace signet::server
