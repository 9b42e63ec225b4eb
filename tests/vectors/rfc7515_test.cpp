// RFC 7515 Appendix A examples: HS256 (A.1) and RS256 (A.2) re-sign byte for byte, ES256 (A.3)
// and ES512 (A.4) verify, the unsecured JWS (A.5) is refused by every normal path, and the
// signatures of the JSON serialization examples (A.6, A.7) verify in their compact form.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "signet/jwt.hpp"
#include "vectors/vector_support.hpp"

namespace signet::vectors {
namespace {

Jwk key_file(const char* name) {
    return Jwk::parse(read_vector_file(std::string("rfc-examples/") + name)).value();
}

std::string token_file(const char* name) {
    return read_text_file(std::string("rfc-examples/") + name);
}

// The exp claim of the A.1/A.2/A.3/A.5 payload: {"iss":"joe","exp":1300819380,...}.
constexpr std::chrono::seconds kExampleExp{1300819380};

Clock fixed_clock(std::chrono::seconds since_epoch) {
    return [since_epoch] { return std::chrono::system_clock::time_point(since_epoch); };
}

TEST(Rfc7515, A1Hs256SignatureIsReproducedByteForByte) {
    const Jwk key = key_file("rfc7515_A.1.jwk");
    const std::string token = token_file("rfc7515_A.1.jwsc");
    CompactParts parts = split_compact(token);
    // The protected header contains CR LF and spaces, so only the signature over the exact
    // signing input can be recomputed; HMAC is deterministic.
    auto mac = sign_bytes(Algorithm::HS256, key, parts.signing_input());
    SIGNET_ASSERT_OK(mac);
    parts.signature = base64url_encode(*mac);
    EXPECT_EQ(parts.compact(), token);
}

TEST(Rfc7515, A1Hs256Verifies) {
    const Jwk key = key_file("rfc7515_A.1.jwk");
    const std::string token = token_file("rfc7515_A.1.jwsc");
    auto payload = jws::verify(token, key_set_of(key), allow({Algorithm::HS256}));
    SIGNET_ASSERT_OK(payload);
    EXPECT_EQ(*payload, b64u(split_compact(token).payload));
}

TEST(Rfc7515, A1VerifierAcceptsBeforeExpAndRejectsAfter) {
    VerifierOptions options;
    options.keys = key_set_of(key_file("rfc7515_A.1.jwk"));
    options.algorithms = {Algorithm::HS256};
    options.clock = fixed_clock(kExampleExp - std::chrono::seconds(1));
    auto verifier = Verifier::create(options);
    SIGNET_ASSERT_OK(verifier);
    auto claims = verifier->verify(token_file("rfc7515_A.1.jwsc"));
    SIGNET_ASSERT_OK(claims);
    EXPECT_EQ(claims->issuer(), "joe");
    EXPECT_EQ(claims->get_bool("http://example.com/is_root"), true);

    options.clock = fixed_clock(kExampleExp);
    auto late = Verifier::create(options);
    SIGNET_ASSERT_OK(late);
    auto expired = late->verify(token_file("rfc7515_A.1.jwsc"));
    SIGNET_EXPECT_ERROR(expired, Errc::expired);
}

TEST(Rfc7515, A1ModifiedPayloadFailsTheMac) {
    const Jwk key = key_file("rfc7515_A.1.jwk");
    CompactParts parts = split_compact(token_file("rfc7515_A.1.jwsc"));
    // {"iss":"joe" becomes {"iss":"jof": same length, one byte of the claims changed.
    std::string payload = b64u(parts.payload);
    payload[10] = 'f';
    parts.payload = base64url_encode(payload);
    auto result = jws::verify(parts.compact(), key_set_of(key), allow({Algorithm::HS256}));
    SIGNET_EXPECT_ERROR(result, Errc::bad_signature);
}

TEST(Rfc7515, A2Rs256SignatureIsReproducedByteForByte) {
    const Jwk key = key_file("rfc7515_A.2.jwk");
    const std::string token = token_file("rfc7515_A.2.jwsc");
    CompactParts parts = split_compact(token);
    auto sig = sign_bytes(Algorithm::RS256, key, parts.signing_input());
    SIGNET_ASSERT_OK(sig);
    parts.signature = base64url_encode(*sig);
    EXPECT_EQ(parts.compact(), token);
}

TEST(Rfc7515, A2Rs256VerifiesWithThePublicKey) {
    const std::string token = token_file("rfc7515_A.2.jwsc");
    auto public_key = key_file("rfc7515_A.2.jwk").public_key();
    SIGNET_ASSERT_OK(public_key);
    EXPECT_FALSE(public_key->is_private());
    auto payload = jws::verify(token, key_set_of(*public_key), allow({Algorithm::RS256}));
    SIGNET_ASSERT_OK(payload);
    EXPECT_EQ(*payload, b64u(split_compact(token).payload));
}

TEST(Rfc7515, A3Es256VerifiesWithThePublicKey) {
    const std::string token = token_file("rfc7515_A.3.jwsc");
    auto public_key = key_file("rfc7515_A.3.jwk").public_key();
    SIGNET_ASSERT_OK(public_key);
    const CompactParts parts = split_compact(token);
    const std::string sig = b64u(parts.signature);
    EXPECT_EQ(sig.size(), 64U);  // R||S, 32 bytes each (RFC 7518 §3.4)
    SIGNET_EXPECT_OK(verify_bytes(Algorithm::ES256, *public_key, parts.signing_input(), sig));
    auto payload = jws::verify(token, key_set_of(*public_key), allow({Algorithm::ES256}));
    SIGNET_ASSERT_OK(payload);
    EXPECT_EQ(*payload, b64u(parts.payload));
}

TEST(Rfc7515, A3Es256KeySignsWhatItsPublicHalfVerifies) {
    // ECDSA is randomised, so the example cannot be reproduced; a fresh signature must verify.
    const Jwk key = key_file("rfc7515_A.3.jwk");
    const CompactParts parts = split_compact(token_file("rfc7515_A.3.jwsc"));
    auto sig = sign_bytes(Algorithm::ES256, key, parts.signing_input());
    SIGNET_ASSERT_OK(sig);
    EXPECT_EQ(sig->size(), 64U);
    auto public_key = key.public_key();
    SIGNET_ASSERT_OK(public_key);
    SIGNET_EXPECT_OK(verify_bytes(Algorithm::ES256, *public_key, parts.signing_input(), *sig));
}

TEST(Rfc7515, A4Es512VerifiesWithThePublicKey) {
    const std::string token = token_file("rfc7515_A.4.jwsc");
    auto public_key = key_file("rfc7515_A.4.jwk").public_key();
    SIGNET_ASSERT_OK(public_key);
    const CompactParts parts = split_compact(token);
    EXPECT_EQ(b64u(parts.signature).size(), 132U);  // R||S, 66 bytes each for P-521
    auto payload = jws::verify(token, key_set_of(*public_key), allow({Algorithm::ES512}));
    SIGNET_ASSERT_OK(payload);
    EXPECT_EQ(*payload, "Payload");
}

TEST(Rfc7515, A5UnsecuredJwsIsRejectedByJwsVerify) {
    const std::string token = token_file("rfc7515_A.5.jwsc");
    const KeySet keys = key_set_of(key_file("rfc7515_A.1.jwk"));
    SIGNET_EXPECT_ERROR(jws::verify(token, keys, allow({Algorithm::HS256})), Errc::alg_not_allowed);
    // Even with every algorithm allowed, "none" is not one of them.
    const auto all = all_algorithms();
    SIGNET_EXPECT_ERROR(jws::verify(token, keys, allow({all.begin(), all.end()})),
                        Errc::alg_not_allowed);
}

TEST(Rfc7515, A5UnsecuredJwsIsRejectedByTheVerifier) {
    VerifierOptions options;
    options.keys = key_set_of(key_file("rfc7515_A.1.jwk"));
    options.algorithms = {Algorithm::HS256};
    options.clock = fixed_clock(kExampleExp - std::chrono::seconds(1));
    auto verifier = Verifier::create(options);
    SIGNET_ASSERT_OK(verifier);
    SIGNET_EXPECT_ERROR(verifier->verify(token_file("rfc7515_A.5.jwsc")), Errc::alg_not_allowed);
}

TEST(Rfc7515, A5UnsecuredJwsIsReadOnlyThroughTheUnsafeApi) {
    const std::string token = token_file("rfc7515_A.5.jwsc");
    auto payload = unsafe::verify_unsecured_jws(token);
    SIGNET_ASSERT_OK(payload);
    EXPECT_EQ(*payload, b64u(split_compact(token).payload));
}

TEST(Rfc7515, A6JsonSerializationIsNotACompactJws) {
    // RFC 7515 §7.2 general JSON serialization: out of scope for the compact API, never verified.
    const std::string json = read_vector_file("rfc-examples/rfc7515_A.6.jwsg");
    const KeySet keys = KeySet::parse(read_vector_file("rfc-examples/rfc7515_A.6.jwkset")).value();
    SIGNET_EXPECT_ERROR(jws::verify(json, keys, allow({Algorithm::RS256, Algorithm::ES256})),
                        Errc::malformed);
}

TEST(Rfc7515, A6EachSignatureVerifiesInCompactForm) {
    const auto jwsg = read_json_file("rfc-examples/rfc7515_A.6.jwsg").as_object();
    const KeySet set = KeySet::parse(read_vector_file("rfc-examples/rfc7515_A.6.jwkset")).value();
    ASSERT_EQ(set.size(), 2U);
    const Jwk signer_keys[] = {key_file("rfc7515_A.6.1.jwk"), key_file("rfc7515_A.6.2.jwk")};
    const Algorithm algs[] = {Algorithm::RS256, Algorithm::ES256};
    const auto& signatures = jwsg.at("signatures").as_array();
    ASSERT_EQ(signatures.size(), 2U);
    const std::string payload_b64 = str(jwsg.at("payload"));
    for (std::size_t i = 0; i < 2; ++i) {
        const auto& entry = signatures[i].as_object();
        // The "kid" of A.6 sits in the unprotected header, which the compact form cannot carry;
        // without a kid the verifier tries the keys that fit the algorithm.
        const CompactParts parts{str(entry.at("protected")), payload_b64,
                                 str(entry.at("signature"))};
        SCOPED_TRACE(parts.header);
        auto from_set = jws::verify(parts.compact(), set, allow({algs[i]}));
        SIGNET_EXPECT_OK(from_set);
        if (from_set) {
            EXPECT_EQ(*from_set, b64u(payload_b64));
        }
        auto from_key = jws::verify(parts.compact(), key_set_of(signer_keys[i]), allow({algs[i]}));
        SIGNET_EXPECT_OK(from_key);
    }
}

TEST(Rfc7515, A7FlattenedSignatureVerifiesInCompactForm) {
    const auto jwsf = read_json_file("rfc-examples/rfc7515_A.7.jwsf").as_object();
    const CompactParts parts{str(jwsf.at("protected")), str(jwsf.at("payload")),
                             str(jwsf.at("signature"))};
    auto payload = jws::verify(parts.compact(), key_set_of(key_file("rfc7515_A.7.jwk")),
                               allow({Algorithm::ES256}));
    SIGNET_ASSERT_OK(payload);
    EXPECT_EQ(*payload, b64u(parts.payload));
}

}  // namespace
}  // namespace signet::vectors
