// OAuth 2.0 clients registered with the provider by an administrator (`signet client add`). A
// confidential client's secret is stored only as its hex SHA-256: secrets are 256-bit random
// values or at least 32 characters, so a fast hash does not make them guessable (RFC 6749 §2.3.1
// leaves the storage to the server).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace signet::server {

struct Client {
    std::string id;  // client_id (RFC 6749 §2.2)
    std::string name;
    // Matched exactly, never by prefix or pattern (RFC 9700 §4.1.3).
    std::vector<std::string> redirect_uris;
    // Where RP-initiated logout may send the browser back (OIDC RP-Initiated Logout §2).
    std::vector<std::string> post_logout_redirect_uris;
    std::string secret_hash;      // hex SHA-256 of the secret; empty for a public client
    std::int64_t created_at = 0;  // Unix seconds

    bool is_public() const noexcept { return secret_hash.empty(); }
};

class ClientStore {
  public:
    virtual ~ClientStore() = default;

    // false, and nothing written, when the id is taken.
    virtual bool create(const Client& client) = 0;
    virtual std::optional<Client> find(std::string_view id) = 0;
    // Every client, oldest first.
    virtual std::vector<Client> list() = 0;
    // false when there is no such client.
    virtual bool remove(std::string_view id) = 0;
};

}  // namespace signet::server
