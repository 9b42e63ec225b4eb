// Access tokens of a trusted issuer, verified against its published keys.
#include "server/auth/remote_token_authenticator.hpp"

#include <utility>

#include "server/auth/access_token_credential.hpp"
#include "server/auth/access_token_rules.hpp"

namespace signet::server {
namespace {

// The remote set as it is now, for the I/O threads: a token with an unknown "kid" fails with
// key_not_found here instead of waiting for a fetch (RemoteJwks::refresh_for_kid may block).
class CachedKeysView final : public KeySource {
  public:
    explicit CachedKeysView(std::shared_ptr<RemoteJwks> jwks) : jwks_(std::move(jwks)) {}
    std::shared_ptr<const KeySet> current() const override { return jwks_->current(); }
    std::shared_ptr<const KeySet> refresh_for_kid(std::string_view) override { return nullptr; }

  private:
    std::shared_ptr<RemoteJwks> jwks_;
};

Result<Verifier> verifier_over(std::shared_ptr<KeySource> source, const std::string& issuer,
                               const std::string& audience, std::chrono::seconds leeway) {
    VerifierOptions options = access_token_verifier_options(issuer, audience, leeway);
    // No algorithms named: each published key's own "alg" is its allow-list (RFC 8725 §3.1).
    options.key_source = std::move(source);
    return Verifier::create(std::move(options));
}

}  // namespace

Result<std::unique_ptr<RemoteTokenAuthenticator>> RemoteTokenAuthenticator::create(
    std::shared_ptr<RemoteJwks> jwks, const std::string& issuer, const std::string& audience,
    std::string_view access_token_cookie, std::chrono::seconds leeway, http::Metrics& metrics,
    std::string required_scope) {
    Result<Verifier> cached =
        verifier_over(std::make_shared<CachedKeysView>(jwks), issuer, audience, leeway);
    if (!cached) return std::move(cached).error();
    Result<Verifier> refreshing = verifier_over(jwks, issuer, audience, leeway);
    if (!refreshing) return std::move(refreshing).error();
    return std::unique_ptr<RemoteTokenAuthenticator>(
        new RemoteTokenAuthenticator(std::move(jwks), std::move(*cached), std::move(*refreshing),
                                     access_token_cookie, metrics, std::move(required_scope)));
}

RemoteTokenAuthenticator::RemoteTokenAuthenticator(std::shared_ptr<RemoteJwks> jwks,
                                                   Verifier cached, Verifier refreshing,
                                                   std::string_view access_token_cookie,
                                                   http::Metrics& metrics,
                                                   std::string required_scope)
    : jwks_(std::move(jwks)),
      required_scope_(std::move(required_scope)),
      cached_(std::move(cached)),
      refreshing_(std::move(refreshing)),
      access_token_cookie_(access_token_cookie),
      metrics_(metrics) {}

std::optional<AuthOutcome> RemoteTokenAuthenticator::verify(const Verifier& verifier,
                                                            const http::Request& request,
                                                            bool decline_unknown_kid) const {
    // Session cookies are not credentials here: sessions live in a store this node does not have.
    const std::optional<AccessTokenCredential> credential =
        access_token_credential(request, access_token_cookie_);
    if (!credential) return AuthOutcome{};
    AuthOutcome outcome;
    outcome.presented = true;
    Result<Claims> verified = verifier.verify(credential->token);
    if (!verified && decline_unknown_kid && verified.code() == Errc::key_not_found) {
        return std::nullopt;
    }
    std::optional<CachedToken> identity;
    if (verified) identity = token_identity(*verified);
    if (!identity) {
        if (verified) {
            refuse(outcome, AuthFailure::invalid_token, "missing_claim");
        } else {
            refuse(outcome, token_failure(verified.code()),
                   std::string(to_string(verified.code())));
        }
        metrics_.token_rejected(outcome.reason);
        return outcome;
    }
    if (!grants_scope(*verified, required_scope_)) {
        refuse(outcome, AuthFailure::insufficient_scope, "insufficient_scope");
        metrics_.token_rejected(outcome.reason);
        return outcome;
    }
    metrics_.token_verified();
    outcome.principal = access_token_principal(std::move(*identity), credential->via_cookie);
    return outcome;
}

std::optional<AuthOutcome> RemoteTokenAuthenticator::authenticate_cached(
    const http::Request& request) const {
    std::optional<AuthOutcome> outcome = verify(cached_, request, true);
    if (outcome && outcome->principal) cache_hits_.fetch_add(1, std::memory_order_relaxed);
    return outcome;
}

AuthOutcome RemoteTokenAuthenticator::authenticate(const http::Request& request) const {
    return *verify(refreshing_, request, false);
}

std::vector<http::Metrics::Sample> RemoteTokenAuthenticator::metric_samples() const {
    const RemoteJwksStats stats = jwks_->stats();
    const auto count = [](std::uint64_t value) { return static_cast<double>(value); };
    return {
        {"signet_jwks_fetches_total", "counter",
         "Fetches of the trusted issuer's JWKS answered with a key set.", count(stats.fetches)},
        {"signet_jwks_not_modified_total", "counter",
         "JWKS fetches answered 304 Not Modified (the cached set still holds).",
         count(stats.not_modified)},
        {"signet_jwks_fetch_failures_total", "counter",
         "JWKS fetches or discoveries that failed; the last good set keeps serving.",
         count(stats.failures)},
        {"signet_jwks_unknown_kid_refreshes_total", "counter",
         "JWKS fetches triggered by a token naming an unknown kid.",
         count(stats.unknown_kid_refreshes)},
        {"signet_jwks_cooldown_skips_total", "counter",
         "Unknown kids refused a fetch because one ran within the cooldown.",
         count(stats.cooldown_skips)},
        {"signet_jwks_cache_hits_total", "counter",
         "Access tokens verified with the cached key set, without a fetch.",
         count(cache_hits_.load(std::memory_order_relaxed))},
        {"signet_jwks_keys", "gauge", "Keys in the current JWKS.", static_cast<double>(stats.keys)},
        {"signet_jwks_stale", "gauge",
         "1 while the cached JWKS is past its freshness because fetches fail, else 0.",
         stats.stale ? 1.0 : 0.0},
    };
}

}  // namespace signet::server
