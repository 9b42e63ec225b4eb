// The authentication middleware: reads `Authorization: Bearer` (RFC 6750 §2.1), else the access
// token cookie, else the session cookie (cookie_names.hpp), and yields one Principal. Access tokens
// pass the full Verifier (signature, alg bound to the key, typ at+jwt, iss, aud, exp) and the
// revocation list; sessions are looked up in the session store.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "server/auth/access_token_credential.hpp"
#include "server/auth/cookie_names.hpp"
#include "server/auth/key_manager.hpp"
#include "server/auth/principal.hpp"
#include "server/auth/revocation_list.hpp"
#include "server/auth/verified_token_cache.hpp"
#include "server/http/metrics.hpp"
#include "server/http/types.hpp"
#include "server/store/session_store.hpp"
#include "server/store/user_store.hpp"

namespace signet::server {

// Why a presented credential was refused.
enum class AuthFailure {
    none,
    invalid_token,       // an access token that fails verification (bad signature, wrong aud, ...)
    expired,             // an access token past its "exp"
    revoked,             // an access token whose id or user was revoked
    unknown_session,     // no live session under the cookie
    user_disabled,       // the session's user was disabled
    keys_unavailable,    // a verify-only node could not fetch its issuer's keys
    insufficient_scope,  // a valid access token not granted the deployment's scope (403)
};

struct AuthOutcome {
    std::optional<Principal> principal;
    // Without a principal: whether credentials were presented at all (RFC 6750 §3.1: a request
    // without any gets no error code), and why they failed.
    bool presented = false;
    AuthFailure failure = AuthFailure::none;
    std::string reason;  // the detail, for logs and metrics: an Errc name, "revoked", ...
};

// The failure of an access token that did not verify.
AuthFailure token_failure(Errc code);
// Sets the failure of `outcome` and its detail.
void refuse(AuthOutcome& outcome, AuthFailure failure, std::string reason);

class Authenticator {
  public:
    Authenticator(KeyManager& keys, RevocationList& revocations, SessionStore& sessions,
                  UserStore& users, http::Metrics& metrics, AuthCookieNames cookie_names,
                  std::chrono::seconds leeway, std::size_t token_cache_size = 100000,
                  std::chrono::seconds session_idle_timeout = std::chrono::minutes(30),
                  std::string required_scope = {});

    // Whatever credential the request carries; a session costs a session-store call (StoreError
    // when the store is down).
    AuthOutcome authenticate(const http::Request& request, std::int64_t now) const;
    // The same without any store call, for the I/O threads: nullopt when the request's
    // credential is a session, which only authenticate() can check.
    std::optional<AuthOutcome> authenticate_without_store(const http::Request& request,
                                                          std::int64_t now) const;
    // The stored record of the session the request's session cookie names, checked as
    // authenticate() checks a session (ended, or its user disabled: none; `outcome.reason` says
    // which), whatever other credential the request carries. Reading it is not a use: the idle
    // limit stays where it is.
    std::optional<Session> session_record(const http::Request& request, std::int64_t now,
                                          AuthOutcome& outcome) const;

    // An access token checked as authenticate() checks one (signature, rules, revocation), with
    // its claims, for the endpoints that read more than the principal (userinfo's scope,
    // introspection). Not cached.
    std::optional<Claims> verify_access_token(std::string_view token, std::int64_t now,
                                              AuthOutcome& outcome) const;

  private:
    // The live session stored under `key`, or nullopt with outcome.reason set.
    std::optional<Session> live_session(const std::string& key, std::int64_t now,
                                        AuthOutcome& outcome) const;
    AuthOutcome from_access_token(std::string_view token, bool via_cookie, std::int64_t now) const;

    // Sessions end when their user is disabled (signet user disable runs in another process, so
    // the user's status is re-read from the store at most every few seconds per user). While
    // the user store is down the last known status holds.
    bool user_disabled(const std::string& user_id, std::int64_t now) const;

    KeyManager& keys_;
    RevocationList& revocations_;
    SessionStore& sessions_;
    UserStore& users_;
    http::Metrics& metrics_;
    AuthCookieNames cookie_names_;
    std::int64_t leeway_;
    std::int64_t session_idle_;
    std::string required_scope_;  // every access token must be granted it (grants_scope)
    mutable VerifiedTokenCache cache_;
    struct UserStatus {
        bool disabled = false;
        std::int64_t checked_at = 0;
    };
    mutable std::mutex status_mutex_;
    mutable std::unordered_map<std::string, UserStatus> status_;
};

// RFC 6750 §3: the challenge for a failed or missing Bearer credential.
http::Response unauthorized(const http::Request& request, const AuthOutcome& outcome);

}  // namespace signet::server
