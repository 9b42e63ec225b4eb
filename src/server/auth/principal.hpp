// Who a request is from, as the authentication middleware established it. Handlers receive this and
// never parse tokens or cookies themselves.
#pragma once

#include <cstdint>
#include <string>

namespace signet::server {

enum class AuthMethod { jwt, session };

struct Principal {
    std::string user_id;  // "sub"
    std::string email;
    AuthMethod method = AuthMethod::jwt;
    bool via_cookie = false;  // the credential came in a cookie: state changes need CSRF checks
    std::string jti;          // access tokens: the token id, for logout
    std::int64_t expires_at = 0;
    std::string session_key;  // sessions: the store key
};

}  // namespace signet::server
