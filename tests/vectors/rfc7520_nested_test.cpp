// RFC 7520 §6 (JOSE Cookbook), nesting signatures and encryption: a PS256-signed JWT inside an
// RSA-OAEP + A128GCM JWE with "cty": "JWT" (RFC 7519 §5.2). Every serialization decrypts to the
// published JWS, which then verifies with the cookbook's signing key, and the Verifier's nested
// mode does both in one call.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include <chrono>
#include <string>

#include "signet/jwe.hpp"
#include "signet/jwt.hpp"
#include "vectors/vector_support.hpp"

namespace signet::vectors {
namespace {

const std::string kFile = "jose-cookbook/6.nesting_signatures_and_encryption.json";

// The exp claim of the inner JWT: {"iss":"hobbiton.example","exp":1300819380,...}.
constexpr std::chrono::seconds kExampleExp{1300819380};

boost::json::object example() {
    return read_json_file(kFile).as_object();
}

const boost::json::object& part(const boost::json::object& ex, const char* name) {
    return ex.at(name).as_object();
}

Jwk signing_key(const boost::json::object& ex) {
    return Jwk::from_json(part(ex, "sign").at("input").at("key").as_object()).value();
}

Jwk encryption_key(const boost::json::object& ex) {
    return Jwk::from_json(part(ex, "encrypt").at("input").at("key").as_object()).value();
}

JweDecryptOptions rsa_oaep_only() {
    JweDecryptOptions options;
    options.algorithms = {KeyManagement::RSA_OAEP};
    return options;
}

TEST(Rfc7520Nested, EverySerializationDecryptsToTheSignedJwtWhichVerifies) {
    const auto ex = example();
    const auto& output = part(ex, "encrypt").at("output").as_object();
    const std::string inner(part(ex, "sign").at("output").at("compact").as_string());
    ASSERT_EQ(inner, str(part(ex, "encrypt").at("input").at("plaintext")));
    const KeySet decryption_keys = key_set_of(encryption_key(ex));
    auto verification_key = signing_key(ex).public_key();
    SIGNET_ASSERT_OK(verification_key);
    const KeySet verification_keys = key_set_of(*verification_key);

    Tally tally(kFile);
    for (const char* serialization : {"compact", "json", "json_flat"}) {
        const std::string label = kFile + " (" + serialization + ")";
        const auto& token = output.at(serialization);
        auto decrypted = token.is_string()
                             ? jwe::decrypt(token.as_string(), decryption_keys, rsa_oaep_only())
                             : jwe::decrypt_json(boost::json::serialize(token), decryption_keys,
                                                 rsa_oaep_only());
        tally.expect(label, Expected::valid, Outcome::of(decrypted));
        if (!decrypted) continue;
        tally.check(decrypted->plaintext == inner, label,
                    "the decrypted JWS differs from the cookbook's, byte for byte");
        const auto* cty = decrypted->protected_header.if_contains("cty");
        tally.check(cty != nullptr && cty->is_string() && cty->as_string() == "JWT", label,
                    "the protected header lacks \"cty\": \"JWT\" (RFC 7519 §5.2)");
        auto payload =
            jws::verify(decrypted->plaintext, verification_keys, allow({Algorithm::PS256}));
        tally.check(payload.ok(), label,
                    "the inner JWS does not verify: " + describe(Outcome::of(payload)));
        if (payload) {
            tally.check(*payload == str(part(ex, "sign").at("input").at("payload")), label,
                        "the inner payload differs from the cookbook's");
        }
    }
    tally.finish(output.size());
}

VerifierOptions nested_options(const boost::json::object& ex, bool require_encryption) {
    VerifierOptions options;
    options.keys = key_set_of(signing_key(ex).public_key().value());
    options.algorithms = {Algorithm::PS256};
    options.decryption_keys = key_set_of(encryption_key(ex));
    options.require_encryption = require_encryption;
    options.clock = [] {
        return std::chrono::system_clock::time_point(kExampleExp - std::chrono::seconds(1));
    };
    return options;
}

void expect_nested_jwt_verifies(const VerifierOptions& options) {
    const auto ex = example();
    auto verifier = Verifier::create(options);
    SIGNET_ASSERT_OK(verifier);
    auto token =
        verifier->verify_with_header(part(ex, "encrypt").at("output").at("compact").as_string());
    SIGNET_ASSERT_OK(token);
    EXPECT_EQ(token->claims.issuer(), "hobbiton.example");
    EXPECT_EQ(token->claims.get_bool("http://example.com/is_root"), true);
    // The header returned is the inner JWS's: the one the signature covers.
    EXPECT_EQ(token->header, part(ex, "sign").at("signing").at("protected").as_object());
}

TEST(Rfc7520Nested, VerifierDecryptsThenVerifiesTheNestedJwt) {
    expect_nested_jwt_verifies(nested_options(example(), false));
}

TEST(Rfc7520Nested, VerifierThatRequiresEncryptionVerifiesTheNestedJwt) {
    expect_nested_jwt_verifies(nested_options(example(), true));
}

TEST(Rfc7520Nested, VerifierThatRequiresEncryptionRefusesTheBareSignedJwt) {
    const auto ex = example();
    auto verifier = Verifier::create(nested_options(ex, true));
    SIGNET_ASSERT_OK(verifier);
    SIGNET_EXPECT_ERROR(verifier->verify(part(ex, "sign").at("output").at("compact").as_string()),
                        Errc::not_encrypted);
}

TEST(Rfc7520Nested, VerifierWithDecryptionKeysStillAcceptsTheBareSignedJwtByDefault) {
    // Without require_encryption the decryption keys add the nested form; plain JWTs still verify.
    const auto ex = example();
    auto verifier = Verifier::create(nested_options(ex, false));
    SIGNET_ASSERT_OK(verifier);
    auto claims = verifier->verify(part(ex, "sign").at("output").at("compact").as_string());
    SIGNET_ASSERT_OK(claims);
    EXPECT_EQ(claims->issuer(), "hobbiton.example");
}

}  // namespace
}  // namespace signet::vectors
