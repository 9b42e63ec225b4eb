// Everything a request handler may use, built once by run_server: settings, stores and the auth
// services over them.
#pragma once

#include <memory>
#include <string>

#include "server/auth/authenticator.hpp"
#include "server/auth/key_manager.hpp"
#include "server/auth/login_rate_limiter.hpp"
#include "server/auth/password_hasher.hpp"
#include "server/auth/token_service.hpp"
#include "server/config.hpp"
#include "server/http/metrics.hpp"
#include "server/store/rate_limit_store.hpp"
#include "server/store/refresh_token_store.hpp"
#include "server/store/revocation_store.hpp"
#include "server/store/session_store.hpp"
#include "server/store/user_store.hpp"

namespace signet::server {

struct Stores {
    std::shared_ptr<UserStore> users;
    std::shared_ptr<RefreshTokenStore> refresh_tokens;
    std::shared_ptr<KeyStore> keys;
    std::shared_ptr<SessionStore> sessions;
    std::shared_ptr<RevocationStore> revocations;
    std::shared_ptr<RateLimitStore> rate_limits;
};

struct Services {
    Services(const ServerConfig& config, Stores stores, std::string issuer, bool tls,
             http::Metrics& metrics);

    ServerConfig config;
    Stores stores;
    std::string issuer;
    std::string issuer_origin;  // for CSRF checks
    bool tls;                   // cookies get Secure
    http::Metrics& metrics;
    PasswordHasher hasher;
    KeyManager keys;
    LoginRateLimiter login_limiter;
    TokenService tokens;
    Authenticator authenticator;
};

}  // namespace signet::server
