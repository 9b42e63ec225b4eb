// Records and helpers the store tests share: users, refresh tokens, keys, sessions, clients and
// authorization codes with fixed test values, and threads released together for races.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <exception>
#include <latch>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "server/store/authorization_code_store.hpp"
#include "server/store/client_store.hpp"
#include "server/store/key_store.hpp"
#include "server/store/refresh_token_store.hpp"
#include "server/store/session_store.hpp"
#include "server/store/user_store.hpp"

namespace signet::server::test {

// Runs body(i) on `count` threads released together; an exception fails the test.
template <class Body>
void run_together(int count, Body body) {
    std::latch start(count);
    std::vector<std::thread> threads;
    threads.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            try {
                body(i);
            } catch (const std::exception& error) {
                ADD_FAILURE() << "thread " << i << " threw: " << error.what();
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
}

inline User make_user(const std::string& id, const std::string& email,
                      std::int64_t created_at = 1000) {
    return User{.id = id,
                .email = email,
                .password_hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
                .disabled = false,
                .created_at = created_at,
                .password_generation = 0};
}

inline RefreshTokenRecord make_token(const std::string& hash, const std::string& family,
                                     const std::string& user, std::int64_t issued_at = 1000,
                                     std::int64_t expires_at = 2000) {
    return RefreshTokenRecord{.token_hash = hash,
                              .family_id = family,
                              .user_id = user,
                              .issued_at = issued_at,
                              .expires_at = expires_at,
                              .used = false,
                              .revoked = false,
                              .password_generation = 0,
                              .family_created_at = 0,
                              .client_id = "",
                              .scope = "",
                              .auth_time = 0};
}

// The first token of a family issued to an OAuth client, with its grant.
inline RefreshTokenRecord make_client_token(const std::string& hash, const std::string& family,
                                            const std::string& user, const std::string& client,
                                            std::int64_t issued_at = 1000,
                                            std::int64_t expires_at = 5000) {
    RefreshTokenRecord record = make_token(hash, family, user, issued_at, expires_at);
    record.client_id = client;
    record.scope = "openid profile";
    record.auth_time = issued_at - 30;
    return record;
}

// A confidential client with two redirect URIs and one post-logout URI.
inline Client make_client(const std::string& id, std::int64_t created_at = 1000) {
    return Client{
        .id = id,
        .name = "App " + id,
        .redirect_uris = {"https://" + id + ".example/callback", "https://" + id + ".example/alt"},
        .post_logout_redirect_uris = {"https://" + id + ".example/bye"},
        .secret_hash = std::string(64, 'a'),
        .created_at = created_at};
}

// A code issued to `client` for user u1, expiring at `expires_at` (issued 60 s before).
inline AuthorizationCode make_code(const std::string& client, std::int64_t expires_at) {
    return AuthorizationCode{.client_id = client,
                             .redirect_uri = "https://" + client + ".example/callback",
                             .user_id = "u1",
                             .scope = "openid email",
                             .nonce = "n-0S6_WzA2Mj",
                             .code_challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                             .auth_time = expires_at - 300,
                             .expires_at = expires_at,
                             .family_id = "family-of-" + client,
                             .access_token_jti = "jti-of-" + client};
}

// A key created at `created_at` that signs from `activates_at` (default: at once).
inline StoredKey make_key(const std::string& kid, std::int64_t created_at,
                          std::optional<std::int64_t> activates_at = std::nullopt) {
    return StoredKey{.kid = kid,
                     .private_jwk = R"({"kty":"EC","kid":")" + kid + R"("})",
                     .created_at = created_at,
                     .retired_at = std::nullopt,
                     .activates_at = activates_at.value_or(created_at),
                     .revoked_at = std::nullopt};
}

// A session with no idle limit before its absolute one, unless `idle_expires_at` says so.
inline Session make_session(const std::string& user, std::int64_t created_at,
                            std::int64_t expires_at,
                            std::optional<std::int64_t> idle_expires_at = std::nullopt) {
    return Session{.user_id = user,
                   .email = user + "@example.com",
                   .created_at = created_at,
                   .expires_at = expires_at,
                   .idle_expires_at = idle_expires_at.value_or(expires_at)};
}

}  // namespace signet::server::test
