// A remote JWKS key source (target signet::jwks_client): trust an issuer by its URL. It fetches
// the issuer's JSON Web Key Set (RFC 7517 §5) over HTTPS, from a jwks_uri or through discovery
// (OpenID Connect Discovery 1.0 §4, RFC 8414 §3), caches it as Cache-Control allows, refreshes it
// in the background before it expires, refetches on an unknown "kid" at most once per cooldown,
// and keeps serving the last good set while the issuer is unreachable.
//
//     auto jwks = signet::RemoteJwks::load({.issuer = "https://id.example.com"}).value();
//     signet::VerifierOptions options;
//     options.key_source = jwks;
//     options.issuers = {"https://id.example.com"};
//     auto verifier = signet::Verifier::create(std::move(options)).value();
//
// Keys without "alg" are bound the way local keys are (VerifierOptions::algorithms). Header
// parameters that point at keys ("jku", "x5u") are never fetched (RFC 8725 §3.10).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "signet/error.hpp"
#include "signet/jwks.hpp"

namespace signet {

struct RemoteJwksOptions {
    // Exactly one of the two. With an issuer, its discovery document names the jwks_uri and must
    // state exactly this issuer (OpenID Connect Discovery 1.0 §4.3, RFC 8414 §3.3).
    std::string jwks_uri;
    std::string issuer;

    // Plain http:// URLs, for loopback and tests. Off: only https:// is fetched.
    bool allow_http = false;
    // PEM trust anchors for HTTPS; empty: the system's default trust store. The server's
    // certificate and host name are always verified.
    std::string ca_file;

    // How long a fetched set is fresh: Cache-Control max-age (less Age), held within these
    // bounds; default_max_age when the answer gives none or forbids caching.
    std::chrono::seconds min_max_age{30};
    std::chrono::seconds max_max_age{std::chrono::hours(24)};
    std::chrono::seconds default_max_age{std::chrono::minutes(5)};
    // After a fetch, a token with an unknown "kid" triggers no other fetch for this long.
    std::chrono::seconds unknown_kid_cooldown{30};
    // Past its freshness, the last good set keeps serving while fetches fail, for this long;
    // then current() yields nothing and tokens fail with keys_unavailable.
    std::chrono::seconds max_stale{std::chrono::hours(24)};

    std::size_t max_response_bytes = 1024 * 1024;
    std::size_t max_keys = 100;
    std::chrono::milliseconds connect_timeout{std::chrono::seconds(5)};
    std::chrono::milliseconds request_timeout{std::chrono::seconds(10)};  // one whole fetch
    unsigned max_redirects = 0;  // redirects followed (never from https:// to http://)

    // Called on the fetching thread after each failed fetch or discovery (the last good set
    // keeps serving). Must not block.
    std::function<void(const Error&)> on_fetch_error;
};

// Counters since the source was created.
struct RemoteJwksStats {
    std::uint64_t fetches = 0;                // requests answered with a usable set (200)
    std::uint64_t not_modified = 0;           // 304 answers to If-None-Match
    std::uint64_t failures = 0;               // fetches that failed (network, status, document)
    std::uint64_t unknown_kid_refreshes = 0;  // fetches an unknown "kid" triggered
    std::uint64_t cooldown_skips = 0;         // unknown "kid"s refused a fetch by the cooldown
    std::size_t keys = 0;                     // keys in the current set
    bool stale = false;  // the current set is past its freshness (fetches are failing)
};

class RemoteJwks final : public KeySource {
  public:
    // Validates the options and starts the background refresher, which fetches at once;
    // current() is nullptr until the first fetch succeeds.
    static Result<std::shared_ptr<RemoteJwks>> create(RemoteJwksOptions options);
    // create(), then waits for the first fetch (discovery included): fails when it fails, so a
    // misconfigured issuer is reported at start.
    static Result<std::shared_ptr<RemoteJwks>> load(RemoteJwksOptions options);

    ~RemoteJwks() override;  // stops the refresher, aborting a fetch in flight
    RemoteJwks(const RemoteJwks&) = delete;
    RemoteJwks& operator=(const RemoteJwks&) = delete;

    std::shared_ptr<const KeySet> current() const override;
    // One fetch per cooldown, shared by every thread that asks (single flight); callers wait
    // for it, at most request_timeout, without holding anything current() needs.
    std::shared_ptr<const KeySet> refresh_for_kid(std::string_view kid) override;

    // Fetches now (single flight with any other fetch) and waits for the outcome.
    Result<void> refresh();

    RemoteJwksStats stats() const;
    // The JWKS URL in use (discovered, when created from an issuer; empty until discovery ran).
    std::string jwks_uri() const;

    struct State;

  private:
    explicit RemoteJwks(std::shared_ptr<State> state) : state_(std::move(state)) {}
    std::shared_ptr<State> state_;
};

}  // namespace signet
