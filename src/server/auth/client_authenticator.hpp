// OAuth client authentication at the token, revocation and introspection endpoints: HTTP Basic
// (client_secret_basic) or client_id and client_secret in the form body (client_secret_post),
// RFC 6749 §2.3.1; a public client sends only its client_id (`none`, RFC 7591 §2.3).
#pragma once

#include <optional>
#include <string>

#include "server/http/form.hpp"
#include "server/http/types.hpp"
#include "server/store/client_store.hpp"

namespace signet::server {

enum class ClientAuthFailure {
    none,
    invalid_request,  // more than one method, or a Basic header that does not decode (400)
    invalid_client,   // unknown client, wrong or missing secret (401, RFC 6749 §5.2)
};

struct ClientAuthentication {
    std::optional<Client> client;  // when authenticated
    ClientAuthFailure failure = ClientAuthFailure::invalid_client;
    std::string description;
};

class ClientAuthenticator {
  public:
    explicit ClientAuthenticator(ClientStore& clients) : clients_(clients) {}

    ClientAuthentication authenticate(const http::Request& request,
                                      const http::FormParams& params) const;

  private:
    ClientStore& clients_;
};

// Whether `secret` hashes to `secret_hash` (compared in constant time).
bool client_secret_matches(std::string_view secret, std::string_view secret_hash);

}  // namespace signet::server
