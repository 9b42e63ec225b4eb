// Authentication middleware.
#include "server/auth/authenticator.hpp"

#include <boost/beast/http/field.hpp>

#include "server/auth/access_token_rules.hpp"
#include "server/auth/identity.hpp"
#include "server/http/cookies.hpp"
#include "server/http/response.hpp"
#include "server/store/store_error.hpp"

namespace signet::server {

namespace bhttp = boost::beast::http;

Authenticator::Authenticator(KeyManager& keys, RevocationList& revocations, SessionStore& sessions,
                             UserStore& users, http::Metrics& metrics, AuthCookieNames cookie_names,
                             std::chrono::seconds leeway, std::size_t token_cache_size,
                             std::chrono::seconds session_idle_timeout, std::string required_scope)
    : keys_(keys),
      revocations_(revocations),
      sessions_(sessions),
      users_(users),
      metrics_(metrics),
      cookie_names_(cookie_names),
      leeway_(leeway.count()),
      session_idle_(session_idle_timeout.count()),
      required_scope_(std::move(required_scope)),
      cache_(token_cache_size) {}

AuthOutcome Authenticator::from_access_token(std::string_view token, bool via_cookie,
                                             std::int64_t now) const {
    AuthOutcome outcome;
    outcome.presented = true;
    const std::shared_ptr<const KeySnapshot> keys = keys_.snapshot();
    std::optional<CachedToken> claims = cache_.find(token, keys->generation, now, leeway_);
    if (!claims) {
        Result<Claims> verified = keys->verifier.verify(token);
        if (!verified) {
            refuse(outcome, token_failure(verified.code()),
                   std::string(to_string(verified.code())));
            metrics_.token_rejected(outcome.reason);
            return outcome;
        }
        claims = token_identity(*verified);
        if (!claims) {
            refuse(outcome, AuthFailure::invalid_token, "missing_claim");
            metrics_.token_rejected(outcome.reason);
            return outcome;
        }
        // Checked before caching: only tokens that pass are ever cached.
        if (!grants_scope(*verified, required_scope_)) {
            refuse(outcome, AuthFailure::insufficient_scope, "insufficient_scope");
            metrics_.token_rejected(outcome.reason);
            return outcome;
        }
        cache_.insert(token, keys->generation, *claims, now);
    }
    if (revocations_.is_revoked(claims->jti, claims->user_id, claims->issued_at, now)) {
        refuse(outcome, AuthFailure::revoked, "revoked");
        metrics_.token_rejected(outcome.reason);
        return outcome;
    }
    metrics_.token_verified();
    outcome.principal = access_token_principal(std::move(*claims), via_cookie);
    return outcome;
}

std::optional<AuthOutcome> Authenticator::authenticate_without_store(const http::Request& request,
                                                                     std::int64_t now) const {
    if (const auto credential = access_token_credential(request, cookie_names_.access_token)) {
        return from_access_token(credential->token, credential->via_cookie, now);
    }
    if (http::find_cookie(request, cookie_names_.session)) return std::nullopt;
    return AuthOutcome{};
}

AuthOutcome Authenticator::authenticate(const http::Request& request, std::int64_t now) const {
    if (auto outcome = authenticate_without_store(request, now)) return std::move(*outcome);
    const auto sid = http::find_cookie(request, cookie_names_.session);
    AuthOutcome outcome;
    outcome.presented = true;
    const std::string key = sha256_hex(*sid);
    std::optional<Session> session = live_session(key, now, outcome);
    if (!session) return outcome;
    // Each use moves the idle limit on, never past the absolute one. Written at most once a
    // minute (or half the idle timeout) per session: a store write a minute, not one a request.
    const std::int64_t idle_limit = std::min(now + session_idle_, session->expires_at);
    const std::int64_t write_every = std::min<std::int64_t>(60, session_idle_ / 2);
    if (idle_limit - session->idle_expires_at >= write_every) sessions_.touch(key, idle_limit);
    Principal principal;
    principal.user_id = std::move(session->user_id);
    principal.email = std::move(session->email);
    principal.method = AuthMethod::session;
    principal.via_cookie = true;
    principal.expires_at = session->expires_at;
    principal.session_key = key;
    outcome.principal = std::move(principal);
    return outcome;
}

std::optional<Claims> Authenticator::verify_access_token(std::string_view token, std::int64_t now,
                                                         AuthOutcome& outcome) const {
    outcome.presented = true;
    Result<Claims> verified = keys_.snapshot()->verifier.verify(token);
    if (!verified) {
        refuse(outcome, token_failure(verified.code()), std::string(to_string(verified.code())));
        return std::nullopt;
    }
    const std::optional<CachedToken> identity = token_identity(*verified);
    if (!identity) {
        refuse(outcome, AuthFailure::invalid_token, "missing_claim");
        return std::nullopt;
    }
    if (revocations_.is_revoked(identity->jti, identity->user_id, identity->issued_at, now)) {
        refuse(outcome, AuthFailure::revoked, "revoked");
        return std::nullopt;
    }
    return std::move(*verified);
}

std::optional<Session> Authenticator::live_session(const std::string& key, std::int64_t now,
                                                   AuthOutcome& outcome) const {
    std::optional<Session> session = sessions_.get(key, now);
    if (!session) {
        refuse(outcome, AuthFailure::unknown_session, "unknown_session");
        return std::nullopt;
    }
    if (user_disabled(session->user_id, now)) {
        sessions_.remove(key);
        refuse(outcome, AuthFailure::user_disabled, "user_disabled");
        return std::nullopt;
    }
    return session;
}

std::optional<Session> Authenticator::session_record(const http::Request& request, std::int64_t now,
                                                     AuthOutcome& outcome) const {
    const auto sid = http::find_cookie(request, cookie_names_.session);
    outcome.presented = sid.has_value();
    if (!sid) return std::nullopt;
    return live_session(sha256_hex(*sid), now, outcome);
}

bool Authenticator::user_disabled(const std::string& user_id, std::int64_t now) const {
    constexpr std::int64_t kRecheckSeconds = 5;
    {
        std::lock_guard lock(status_mutex_);
        const auto it = status_.find(user_id);
        if (it != status_.end() && now - it->second.checked_at < kRecheckSeconds) {
            return it->second.disabled;
        }
    }
    bool disabled = false;
    try {
        const std::optional<User> user = users_.find_by_id(user_id);
        disabled = !user || user->disabled;
    } catch (const StoreError&) {
        // The session itself was found; a user store that is down does not end it.
        std::lock_guard lock(status_mutex_);
        const auto it = status_.find(user_id);
        return it != status_.end() && it->second.disabled;
    }
    std::lock_guard lock(status_mutex_);
    // Bounded: statuses older than the recheck interval are worthless anyway.
    if (status_.size() > 100000) {
        std::erase_if(status_, [&](const auto& item) {
            return now - item.second.checked_at >= kRecheckSeconds;
        });
    }
    status_[user_id] = UserStatus{disabled, now};
    return disabled;
}

AuthFailure token_failure(Errc code) {
    switch (code) {
        case Errc::expired: return AuthFailure::expired;
        case Errc::keys_unavailable: return AuthFailure::keys_unavailable;
        default: return AuthFailure::invalid_token;
    }
}

void refuse(AuthOutcome& outcome, AuthFailure failure, std::string reason) {
    outcome.failure = failure;
    outcome.reason = std::move(reason);
}

http::Response unauthorized(const http::Request& request, const AuthOutcome& outcome) {
    if (!outcome.presented) {
        http::Response response = http::error_response(
            request, http::Status::unauthorized, "unauthorized", "Authentication is required.");
        response.set(bhttp::field::www_authenticate, R"(Bearer realm="signet")");
        return response;
    }
    if (outcome.failure == AuthFailure::insufficient_scope) {
        constexpr std::string_view kDescription =
            "The access token was not granted this deployment's scope.";
        http::Response response = http::error_response(request, http::Status::forbidden,
                                                       "insufficient_scope", kDescription);
        response.set(bhttp::field::www_authenticate,
                     R"(Bearer realm="signet", error="insufficient_scope", error_description=")" +
                         std::string(kDescription) + "\"");
        return response;
    }
    std::string description = "The access token is invalid.";
    switch (outcome.failure) {
        case AuthFailure::expired: description = "The access token expired."; break;
        case AuthFailure::revoked: description = "The access token was revoked."; break;
        case AuthFailure::unknown_session:
        case AuthFailure::user_disabled: description = "The session is unknown or expired."; break;
        default: break;
    }
    http::Response response =
        http::error_response(request, http::Status::unauthorized, "invalid_token", description);
    response.set(bhttp::field::www_authenticate,
                 R"(Bearer realm="signet", error="invalid_token", error_description=")" +
                     description + "\"");
    return response;
}

}  // namespace signet::server
