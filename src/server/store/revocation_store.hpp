// Revoked access tokens by "jti" (RFC 7519 §4.1.7), shared by every node of a deployment. Each is
// kept until the token would have expired anyway; after that its "exp" refuses it. Nodes do not
// ask the store per request: they keep a local copy (auth/revocation_list.hpp) that reads what is
// new with changes_since() in the background.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace signet::server {

struct RevokedToken {
    std::string jti;
    std::int64_t expires_at = 0;  // Unix seconds: the token's "exp" plus the verifiers' leeway
};

class RevocationStore {
  public:
    virtual ~RevocationStore() = default;

    // Durable and visible to every node once it returns. Revoking a jti again keeps the later
    // expiry.
    virtual void revoke(std::string_view jti, std::int64_t expires_at) = 0;
    // The revocations recorded since `cursor` that are still live at `now`, and moves `cursor`
    // past them. Start with cursor 0 to read every live revocation. The cursor is the engine's
    // own position; an engine may return a revocation again (callers merge idempotently), but
    // never misses one committed before the call.
    virtual std::vector<RevokedToken> changes_since(std::int64_t& cursor, std::int64_t now) = 0;
    // Forgets revocations whose expiry is at or before `now`; returns how many.
    virtual std::size_t purge_expired(std::int64_t now) = 0;
};

}  // namespace signet::server
