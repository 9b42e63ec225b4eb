// Helpers for the OpenID Provider's black-box tests: clients registered with `signet client add`,
// PKCE pairs, form posts, a Signet session, and the authorization request followed to its code.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "server/integration/api_support.hpp"

namespace signet::test {

inline constexpr std::string_view kRedirectUri = "http://127.0.0.1:9/callback";
inline constexpr std::string_view kLogoutUri = "http://127.0.0.1:9/logged-out";

struct OAuthClient {
    std::string id;
    std::string secret;  // empty for a public client
};
// Registers a client on `server`'s deployment (kRedirectUri, kLogoutUri); records a failure when
// the command fails. `secret` empty: a public client.
OAuthClient add_client(const ServerProcess& server, std::string_view tag, std::string secret = {});

struct Pkce {
    std::string verifier;
    std::string challenge;
};
Pkce new_pkce();

// "a=1&b=2", each value percent-encoded.
std::string form(const std::vector<std::pair<std::string, std::string>>& params);
HttpResult post_form(HttpClient& client, std::string_view target,
                     const std::vector<std::pair<std::string, std::string>>& params,
                     Headers headers = {});
Headers basic_auth(const OAuthClient& client);

// Logs `email` in with POST /v1/sessions; the Cookie header value carrying the session.
std::string session_cookie(HttpClient& client, const std::string& email);

// The query parameters of a Location (decoded).
std::map<std::string, std::string> query_of(std::string_view location);

// The parameters of a valid authorization request of `client` for scope "openid email".
std::vector<std::pair<std::string, std::string>> authorize_params(const OAuthClient& client,
                                                                  const Pkce& pkce);
// GET /oauth2/authorize with `params` and `cookie`.
HttpResult authorize(HttpClient& http,
                     const std::vector<std::pair<std::string, std::string>>& params,
                     const std::string& cookie = {});
// A fresh user, logged in by session, and the code a valid request of `client` yields; "" after
// a failure.
struct CodeGrant {
    TestUser user;
    std::string cookie;
    Pkce pkce;
    std::string code;
};
CodeGrant obtain_code(HttpClient& http, const OAuthClient& client, std::string_view tag,
                      std::string scope = "openid email");
// POST /oauth2/token for the code (client_secret_basic for confidential clients).
HttpResult exchange(HttpClient& http, const OAuthClient& client, const CodeGrant& grant);

}  // namespace signet::test
