// Revoked access tokens by "jti" (RFC 7519 §4.1.7), each kept until the token would have expired
// anyway; after that its "exp" refuses it.
#pragma once

#include <cstdint>
#include <string_view>

namespace signet::server {

class RevocationStore {
  public:
    virtual ~RevocationStore() = default;

    virtual void revoke(std::string_view jti, std::int64_t expires_at) = 0;
    virtual bool is_revoked(std::string_view jti, std::int64_t now) = 0;
};

}  // namespace signet::server
