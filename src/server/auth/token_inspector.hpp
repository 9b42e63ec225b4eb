// The token inspector behind the web page: verifies a pasted token with the library, against this
// deployment's published keys or a key the user pastes, and says exactly why it fails, with the
// error codes of `signet token verify`. It never stores or logs the token.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/auth/key_manager.hpp"
#include "signet/algorithm.hpp"
#include "signet/jwks.hpp"

namespace signet::server {

struct InspectRequest {
    std::string_view token;
    std::optional<std::string_view> key;  // a JWK, JWK Set or PEM key; unset: this server's JWKS
    std::vector<Algorithm> algorithms;    // empty: each key's own "alg" (RFC 8725 §3.1)
    std::optional<std::string_view> issuer;
    std::optional<std::string_view> audience;
    std::chrono::seconds leeway{0};
};

struct InspectResult {
    bool valid = false;
    // Why not: an Errc name (bad_signature, expired, ...), or "encrypted" for a JWE, whose claims
    // cannot be checked without its decryption key.
    std::string code;
    std::string message;
    boost::json::object header;  // the verified token's header and claims
    boost::json::object claims;
};

class TokenInspector {
  public:
    explicit TokenInspector(KeyManager& keys) : keys_(keys) {}

    InspectResult inspect(const InspectRequest& request) const;

  private:
    // This server's published keys, parsed once per key reload.
    std::shared_ptr<const KeySet> published_keys() const;

    KeyManager& keys_;
    mutable std::mutex mutex_;
    mutable std::uint64_t parsed_generation_ = 0;
    mutable std::shared_ptr<const KeySet> parsed_;
};

}  // namespace signet::server
