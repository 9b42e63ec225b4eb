// Registration, login checks, password changes and disabling over the user store.
#include "server/auth/account_service.hpp"

#include "server/auth/identity.hpp"

namespace signet::server {

AccountService::AccountService(UserStore& users, RefreshTokenStore& refresh_tokens,
                               SessionStore& sessions, RevocationList& revocations,
                               const PasswordHasher& hasher, LoginRateLimiter& limiter,
                               std::chrono::seconds access_token_lifetime)
    : users_(users),
      refresh_tokens_(refresh_tokens),
      sessions_(sessions),
      revocations_(revocations),
      hasher_(hasher),
      limiter_(limiter),
      access_token_lifetime_(access_token_lifetime.count()) {}

Registration AccountService::register_user(std::string_view email, std::string_view password,
                                           std::int64_t now) {
    Registration result;
    const std::optional<std::string> normalized = normalize_email(email);
    if (!normalized) {
        result.status = RegisterStatus::invalid_email;
        return result;
    }
    if (!acceptable_password(password)) {
        result.status = RegisterStatus::invalid_password;
        return result;
    }
    User user;
    user.id = new_user_id();
    user.email = *normalized;
    user.password_hash = hasher_.hash(password);
    user.created_at = now;
    // create() decides atomically: another node may have taken the email meanwhile.
    if (!users_.create(user)) {
        result.status = RegisterStatus::email_taken;
        return result;
    }
    result.status = RegisterStatus::created;
    result.user = std::move(user);
    return result;
}

LoginCheck AccountService::check_password(std::string_view email, std::string_view password,
                                          std::string_view client_address, std::int64_t now) {
    LoginCheck result;
    const std::optional<std::string> normalized = normalize_email(email);
    // A malformed email cannot belong to a user; it is throttled and answered like an unknown one.
    const std::string key = normalized ? *normalized : std::string(email.substr(0, 320));
    const LoginRateLimiter::Attempt attempt = limiter_.begin(key, client_address, now);
    if (!attempt.allowed) {
        result.status = LoginStatus::rate_limited;
        result.retry_after = attempt.retry_after;
        return result;
    }
    std::optional<User> user;
    if (normalized) user = users_.find_by_email(*normalized);
    bool ok = false;
    if (user) {
        // Never cheaper than the dummy below, whatever cost the stored hash was made at
        // (PasswordHasher::verify; CWE-208).
        ok = hasher_.verify(user->password_hash, password) && !user->disabled;
    } else {
        hasher_.verify_dummy(password);  // an unknown user still costs one hash
    }
    if (!ok) {
        result.status = LoginStatus::invalid_credentials;
        return result;
    }
    limiter_.succeeded(attempt, now);
    // A hash of another cost is remade at the configured one (libsodium's
    // crypto_pwhash_str_needs_rehash), unless the password changed since it was read.
    if (hasher_.needs_rehash(user->password_hash)) {
        user->password_hash = hasher_.hash(password);
        users_.upgrade_password_hash(user->id, user->password_hash, user->password_generation);
    }
    result.status = LoginStatus::ok;
    result.user = std::move(user);
    return result;
}

bool AccountService::change_password(const User& user, std::string_view new_password,
                                     std::int64_t now) {
    // The new hash and the next password generation are one write, which ends every refresh
    // family begun before (TokenService::refresh): no failure after it, nor a kill -9, can leave
    // the new password set and a refresh token of the old one usable. Revoking the families here
    // too would be a second transaction that can fail after the first committed.
    if (!users_.replace_password(user.id, hasher_.hash(new_password))) return false;
    // The access tokens first: their revocations are kept with the users, so they are refused
    // even when the session store (Redis, another engine) fails next.
    revocations_.revoke_subject(user.id, now, now + access_token_lifetime_);
    sessions_.remove_user(user.id);
    return true;
}

std::optional<User> AccountService::set_disabled(std::string_view email, bool disabled,
                                                 std::int64_t now) {
    const std::optional<std::string> normalized = normalize_email(email);
    if (!normalized) return std::nullopt;
    std::optional<User> user = users_.find_by_email(*normalized);
    if (!user || !users_.set_disabled(*normalized, disabled)) return std::nullopt;
    if (disabled) {
        // Logins and refreshes check the flag; the families, sessions and access tokens end here.
        refresh_tokens_.revoke_user(user->id, now);
        sessions_.remove_user(user->id);
        revocations_.revoke_subject(user->id, now, now + access_token_lifetime_);
    }
    user->disabled = disabled;
    return user;
}

}  // namespace signet::server
