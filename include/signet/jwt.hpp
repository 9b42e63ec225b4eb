// JSON Web Tokens (RFC 7519) as JWS compact tokens: a Signer that issues them and a Verifier that
// accepts them only after full validation, following RFC 8725 (JWT best current practice):
// an algorithm allow-list bound to keys, signature first, then exp/nbf/iat/iss/aud/typ and
// required claims. A Verifier is configured once and is then safe to share between threads.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "signet/algorithm.hpp"
#include "signet/claims.hpp"
#include "signet/claims_view.hpp"
#include "signet/error.hpp"
#include "signet/jwe.hpp"
#include "signet/jwk.hpp"
#include "signet/jwks.hpp"
#include "signet/jws.hpp"

namespace signet {

using Clock = std::function<std::chrono::system_clock::time_point()>;

class Signer {
  public:
    // The algorithm defaults to the key's "alg". The key must be private and allow it for signing.
    static Result<Signer> create(Jwk key, std::optional<Algorithm> alg = std::nullopt);

    Signer& type(std::string typ);  // header "typ", default "JWT" (RFC 7519 §5.1)
    Signer& header(std::string_view name, boost::json::value value);  // any other header member

    Algorithm algorithm() const noexcept { return alg_; }
    const Jwk& key() const noexcept { return key_; }

    Result<std::string> sign(const Claims& claims) const;

  private:
    Signer(Jwk key, Algorithm alg) : key_(std::move(key)), alg_(alg) {}
    void encode_header();
    Jwk key_;
    Algorithm alg_;
    boost::json::object header_;
    std::string typ_ = "JWT";
    std::string encoded_header_;  // base64url of the protected header, then '.'
    std::string header_error_;    // why the header cannot be used, if it cannot
};

// A verified token: its protected header and claims.
struct VerifiedToken {
    boost::json::object header;
    Claims claims;
};

struct VerifierOptions {
    // The keys: a fixed set, or a source whose set may change (a remote JWKS). Not both.
    KeySet keys;
    std::shared_ptr<KeySource> key_source;
    // Allowed algorithms. Empty: the algorithms the keys are bound to by their "alg"; with a
    // key source, the "alg" of the key a token selects, so a key without one verifies nothing
    // until the algorithms are named (RFC 8725 §3.1).
    std::vector<Algorithm> algorithms;
    std::vector<std::string> issuers;    // accept any of these "iss"; empty: iss not checked
    std::vector<std::string> audiences;  // "aud" must contain one; empty: aud not checked
    std::vector<std::string> required_claims;
    std::optional<std::string> type;  // expected "typ" (case-insensitive, "application/" optional)
    std::chrono::seconds leeway{0};
    std::optional<std::chrono::seconds> max_age;  // requires "iat"
    ParseLimits limits;
    Clock clock;  // default: system_clock::now
    KeyResolver key_resolver;
    // Nested JWTs (RFC 7519 §5.2, §7.2 step 8). With decryption keys, a compact JWE is decrypted
    // first; it must hold a signed JWT ("cty": "JWT"), which is then verified as above.
    // decryption.algorithms defaults to the key management algorithms the keys are bound to.
    KeySet decryption_keys;
    JweDecryptOptions decryption;
    bool require_encryption = false;  // refuse tokens that are only signed
};

class Verifier {
  public:
    // Fails when no algorithm can be allowed, a key is unusable for every allowed algorithm,
    // or the options contradict each other.
    static Result<Verifier> create(VerifierOptions options);

    Result<Claims> verify(std::string_view token) const;
    // The fast path: the claims read in place (claims_view.hpp). Reusing one view across calls
    // makes a verify of a typical token allocate nothing. On failure `claims` is left empty.
    Result<void> verify(std::string_view token, ClaimsView& claims) const;
    Result<ClaimsView> verify_view(std::string_view token) const;
    Result<VerifiedToken> verify_with_header(std::string_view token) const;

    const VerifierOptions& options() const noexcept;

  private:
    struct State;
    explicit Verifier(std::shared_ptr<const State> state) : state_(std::move(state)) {}
    std::shared_ptr<const State> state_;
};

// Validates a claims set against the claim rules of `options` (exp/nbf/iat/iss/aud/required) at
// time `now`, without any signature. Verifier::verify calls this after the signature check.
Result<void> validate_claims(const Claims& claims, const VerifierOptions& options,
                             std::chrono::system_clock::time_point now);
Result<void> validate_claims(const ClaimsView& claims, const VerifierOptions& options,
                             std::chrono::system_clock::time_point now);

// Reads a token's header and claims WITHOUT checking anything: no signature, no expiry, no issuer.
// For display and debugging only; never for an authorization decision.
struct UnverifiedToken {
    boost::json::object header;
    boost::json::object payload;
};
Result<UnverifiedToken> decode_without_verification(std::string_view token,
                                                    const ParseLimits& limits = {});

}  // namespace signet
