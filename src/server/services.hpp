// Everything a request handler may use, built once by run_server: settings, stores and the auth
// services over them.
#pragma once

#include <memory>
#include <string>

#include "server/auth/account_service.hpp"
#include "server/auth/address_throttle.hpp"
#include "server/auth/authenticator.hpp"
#include "server/auth/authorization_service.hpp"
#include "server/auth/client_authenticator.hpp"
#include "server/auth/id_token_issuer.hpp"
#include "server/auth/key_manager.hpp"
#include "server/auth/login_rate_limiter.hpp"
#include "server/auth/login_service.hpp"
#include "server/auth/oauth_grants.hpp"
#include "server/auth/password_hasher.hpp"
#include "server/auth/revocation_list.hpp"
#include "server/auth/session_service.hpp"
#include "server/auth/token_inspector.hpp"
#include "server/auth/token_service.hpp"
#include "server/config.hpp"
#include "server/http/metrics.hpp"
#include "server/store/stores.hpp"

namespace signet::server {

struct Services {
    Services(const ServerConfig& config, Stores stores, std::string issuer, bool tls,
             http::Metrics& metrics);

    ServerConfig config;
    Stores stores;
    std::string issuer;
    std::string issuer_origin;  // for CSRF checks
    // Cookies get Secure: the node serves TLS, or the issuer is https:// (TLS ends at a proxy in
    // front, and browsers reach the deployment only over HTTPS).
    bool secure_cookies;
    AuthCookieNames cookie_names;  // prefixed when secure_cookies
    http::Metrics& metrics;
    PasswordHasher hasher;
    KeyManager keys;
    RevocationList revocations;
    LoginRateLimiter login_limiter;
    TokenService tokens;
    AccountService accounts;
    SessionService sessions;
    LoginService logins;
    Authenticator authenticator;
    TokenInspector inspector;
    // The OpenID Provider. ID tokens need a key the clients can verify from the JWKS, so a
    // deployment signing with a shared secret (HS*) is an OAuth server without ID tokens.
    bool issues_id_tokens;
    ClientAuthenticator client_auth;
    IdTokenIssuer id_tokens;
    AuthorizationService authorizations;
    OAuthGrants grants;
    // Requests that cost more than they cost the caller, per client address.
    AddressThrottle registrations;  // an Argon2id hash each: bounded like failed logins
    AddressThrottle inspections;    // POST /v1/inspect: enough for a person at the page
    // /oauth2/authorize: each request may store a code; a browser needs a handful a minute.
    AddressThrottle authorization_requests;
};

}  // namespace signet::server
