// Accounts: registration, the password check behind every login, password changes, and disabling.
// One service for the HTTP API and for the admin commands of the CLI, so both hash with the
// configured Argon2id cost and both end what a change must end (refresh families, sessions).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server/auth/login_rate_limiter.hpp"
#include "server/auth/password_hasher.hpp"
#include "server/auth/revocation_list.hpp"
#include "server/store/refresh_token_store.hpp"
#include "server/store/session_store.hpp"
#include "server/store/user_store.hpp"

namespace signet::server {

enum class RegisterStatus { created, invalid_email, invalid_password, email_taken };
struct Registration {
    RegisterStatus status = RegisterStatus::invalid_email;
    User user;  // when created
};

enum class LoginStatus { ok, rate_limited, invalid_credentials };
struct LoginCheck {
    LoginStatus status = LoginStatus::invalid_credentials;
    std::optional<User> user;      // when ok
    std::int64_t retry_after = 0;  // seconds, when rate_limited
};

class AccountService {
  public:
    // `access_token_lifetime`: how long an access token is accepted after it was issued (its
    // lifetime plus the verifiers' leeway), so long the revocation of a user's tokens must last.
    AccountService(UserStore& users, RefreshTokenStore& refresh_tokens, SessionStore& sessions,
                   RevocationList& revocations, const PasswordHasher& hasher,
                   LoginRateLimiter& limiter, std::chrono::seconds access_token_lifetime);

    // A new user with a random stable id; the email is normalized, the password hashed.
    Registration register_user(std::string_view email, std::string_view password, std::int64_t now);

    // The password check of a login: the rate limit first, then Argon2id. An unknown email, a
    // wrong password and a disabled user take the same time and the same outcome, also when the
    // stored hash was made at a lower cost than the configured one. On success a hash made with
    // another cost is upgraded.
    LoginCheck check_password(std::string_view email, std::string_view password,
                              std::string_view client_address, std::int64_t now);

    // Sets the new password and, in the same write, ends every refresh family of the user; then
    // ends the sessions and refuses the access tokens issued before, on every node, so a stolen
    // credential does not outlive the change (OWASP Authentication Cheat Sheet). false when the
    // user no longer exists.
    bool change_password(const User& user, std::string_view new_password, std::int64_t now);

    // Disables or enables the user (by email). Disabling also revokes every refresh family, ends
    // every session and refuses the access tokens already issued. nullopt when no such user (or
    // the email is not an address).
    std::optional<User> set_disabled(std::string_view email, bool disabled, std::int64_t now);

  private:
    UserStore& users_;
    RefreshTokenStore& refresh_tokens_;
    SessionStore& sessions_;
    RevocationList& revocations_;
    const PasswordHasher& hasher_;
    LoginRateLimiter& limiter_;
    std::int64_t access_token_lifetime_;
};

}  // namespace signet::server
