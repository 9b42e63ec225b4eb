// The typical access token both benchmark suites measure: what an authorization server issues,
// about 300 bytes of claims (RFC 7519 §4.1 registered claims plus a few profile ones).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "signet/claims.hpp"

namespace signet::bench {

inline constexpr std::string_view kIssuer = "https://auth.example.com";
inline constexpr std::string_view kAudience = "https://api.example.com";

// Issued now, valid for one hour.
inline Claims access_token_claims() {
    using namespace std::chrono_literals;
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    Claims claims;
    claims.set_issuer(kIssuer)
        .set_subject("248289761001")
        .set_audience(kAudience)
        .set_issued_at(now)
        .set_expires_at(now + 1h)
        .set_jwt_id("b6f1c1de-7c3a-4b8e-9d2e-0f4a5c6b7d8e")
        .set("email", std::string_view("jane.doe@example.com"))
        .set("email_verified", true)
        .set("name", std::string_view("Jane Doe"))
        .set("scope", std::string_view("openid profile email orders:read orders:write"));
    return claims;
}

}  // namespace signet::bench
