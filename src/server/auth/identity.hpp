// Small identity helpers: email normalization and validation, password length rules, random ids and
// opaque tokens, and the SHA-256 under which opaque tokens are stored.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace signet::server {

inline constexpr std::size_t kMinPasswordLength = 8;
inline constexpr std::size_t kMaxPasswordLength = 1024;
inline constexpr std::size_t kMaxEmailLength = 254;  // RFC 5321 §4.5.3.1.3 path limit

// Trimmed and lower-cased when it is a plausible address ("local@domain.tld", no spaces or
// control characters, at most 254 bytes); nullopt otherwise.
std::optional<std::string> normalize_email(std::string_view email);
// Length in Unicode code points within [8, 1024]; also requires valid UTF-8.
bool acceptable_password(std::string_view password);

// `bytes` random bytes (libsodium's CSPRNG), base64url without padding.
std::string random_token(std::size_t bytes = 32);
// A new user id: "u_" and 16 random bytes in base64url.
std::string new_user_id();
// Lower-case hex SHA-256 of `text`: how refresh tokens and session ids are stored.
std::string sha256_hex(std::string_view text);

}  // namespace signet::server
