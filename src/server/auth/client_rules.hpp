// What an OAuth client registration may hold: client ids, redirect URIs (RFC 6749 §3.1.2: absolute,
// no fragment; RFC 9700 §2.1 and RFC 8252 §7.3: https, or http only to a loopback host; RFC 8252
// §7.1: a native app's private-use scheme such as com.example.app:/cb), names and given secrets.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace signet::server {

inline constexpr std::size_t kMaxClientIdLength = 64;
inline constexpr std::size_t kMaxClientNameLength = 200;
inline constexpr std::size_t kMaxRedirectUriLength = 2048;
// A given secret is at least this long (RFC 6749 §2.3.1 leaves it to the server; stored as a fast
// hash, it must be too long to guess); a generated one is 32 random bytes.
inline constexpr std::size_t kMinClientSecretLength = 32;
inline constexpr std::size_t kMaxClientSecretLength = 1024;
inline constexpr std::size_t kGeneratedClientSecretBytes = 32;

// 1 to 64 of A-Z a-z 0-9 '-' '_' '.'.
bool valid_client_id(std::string_view id);

// nullopt when `uri` may be registered as a redirect URI (or a post-logout one, same rules);
// otherwise why not, as the end of a sentence ("has a fragment").
std::optional<std::string> redirect_uri_problem(std::string_view uri);

// nullopt when acceptable: at most 200 bytes, no control characters (it is shown to people).
std::optional<std::string> client_name_problem(std::string_view name);

// nullopt when acceptable: 32 to 1024 bytes, no control characters.
std::optional<std::string> client_secret_problem(std::string_view secret);

}  // namespace signet::server
