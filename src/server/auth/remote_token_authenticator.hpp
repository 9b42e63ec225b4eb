// Authentication on a verify-only node: the access tokens of one trusted issuer (Bearer, else its
// access token cookie), verified with the keys its JWKS publishes (a RemoteJwks), under the rules
// of access_token_rules.hpp. There is no store: sessions are not accepted and no revocation list is
// consulted, so a token stays valid until its "exp" (RFC 9068 §5: keep access tokens short-lived).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/auth/authenticator.hpp"
#include "server/http/metrics.hpp"
#include "server/http/types.hpp"
#include "signet/jwks_client.hpp"
#include "signet/jwt.hpp"

namespace signet::server {

class RemoteTokenAuthenticator {
  public:
    // Fails when the verifier options are unusable (an audience or issuer that is empty).
    // `access_token_cookie`: the name the issuer gives its access token cookie.
    static Result<std::unique_ptr<RemoteTokenAuthenticator>> create(
        std::shared_ptr<RemoteJwks> jwks, const std::string& issuer, const std::string& audience,
        std::string_view access_token_cookie, std::chrono::seconds leeway, http::Metrics& metrics,
        std::string required_scope = {});

    // For an I/O thread: verifies with the key set in hand and never waits on the network.
    // nullopt when the token names a "kid" that set lacks (a key rotated in at the issuer since
    // the last fetch): only authenticate() may fetch.
    std::optional<AuthOutcome> authenticate_cached(const http::Request& request) const;
    // For the worker pool: an unknown "kid" refetches the JWKS (at most once per cooldown), so
    // this may wait for the issuer, up to the fetch's request timeout.
    AuthOutcome authenticate(const http::Request& request) const;

    // What /metrics shows of the issuer's keys: the JWKS source's counters, and the tokens
    // verified with the cached set, without a fetch.
    std::vector<http::Metrics::Sample> metric_samples() const;

  private:
    RemoteTokenAuthenticator(std::shared_ptr<RemoteJwks> jwks, Verifier cached, Verifier refreshing,
                             std::string_view access_token_cookie, http::Metrics& metrics,
                             std::string required_scope);
    // The outcome of one verification; nullopt when `decline_unknown_kid` and the kid is unknown.
    std::optional<AuthOutcome> verify(const Verifier& verifier, const http::Request& request,
                                      bool decline_unknown_kid) const;

    std::shared_ptr<RemoteJwks> jwks_;
    std::string required_scope_;  // every access token must be granted it (grants_scope)
    Verifier cached_;             // over a view of jwks_ that never refreshes
    Verifier refreshing_;         // over jwks_ itself
    std::string access_token_cookie_;
    http::Metrics& metrics_;
    mutable std::atomic<std::uint64_t> cache_hits_{0};
};

}  // namespace signet::server
