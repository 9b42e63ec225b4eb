// Nested JWTs (RFC 7519 §5.2, §7.2 step 8): a signed JWT encrypted as a JWE with "cty": "JWT",
// accepted by a Verifier that holds decryption keys, which decrypts first and then verifies the
// inner token in full; and the Verifier option that refuses tokens that are only signed.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "signet/signet.hpp"
#include "test_support.hpp"

namespace signet {
namespace {

namespace json = boost::json;
using testing::fixed_clock;
using testing::key_set;
using testing::kNow;
using testing::public_of;
using testing::tamper_signature;
using testing::test_key;

constexpr std::string_view kIssuer = "https://issuer.example";

const Jwk& signing_key() {
    return test_key(Algorithm::ES256);
}

Claims valid_claims() {
    Claims c;
    c.set_issuer(kIssuer);
    c.set_subject("alice");
    c.set("email", "alice@example.com");
    c.set_issued_at(NumericDate(std::chrono::seconds(kNow - 10)));
    c.set_expires_at(NumericDate(std::chrono::seconds(kNow + 600)));
    return c;
}

std::string signed_jwt(const Claims& claims = valid_claims(), const Jwk& key = signing_key()) {
    return Signer::create(key).value().sign(claims).value();
}

// A decryption key per algorithm, made once; RSA reuses the binary's RSA key material.
const Jwk& decryption_key(KeyManagement alg) {
    static std::map<KeyManagement, Jwk> keys;
    auto it = keys.find(alg);
    if (it == keys.end()) {
        const std::string kid = std::string(to_string(alg)) + "-enc";
        Jwk key = [&] {
            if (alg == KeyManagement::RSA_OAEP_256 || alg == KeyManagement::RSA_OAEP) {
                return test_key(Algorithm::RS256).with_alg(alg).with_use("enc").with_kid(kid);
            }
            KeyGenOptions o;
            o.kid = kid;
            if (alg == KeyManagement::dir) o.enc = ContentEncryption::A256GCM;
            return Jwk::generate(alg, o).value();
        }();
        it = keys.emplace(alg, std::move(key)).first;
    }
    return it->second;
}

std::string encrypt(std::string_view inner, const Jwk& key, KeyManagement alg,
                    std::optional<json::value> cty = json::value("JWT"),
                    ContentEncryption enc = ContentEncryption::A256GCM) {
    JweEncryptOptions o;
    if (cty) o.header["cty"] = *cty;
    return jwe::encrypt(inner, public_of(key), alg, enc, o).value();
}

std::string nested(KeyManagement alg = KeyManagement::ECDH_ES_A256KW,
                   const Claims& claims = valid_claims()) {
    return encrypt(signed_jwt(claims), decryption_key(alg), alg);
}

VerifierOptions options_for(std::vector<Jwk> decryption_keys) {
    VerifierOptions o;
    o.keys = key_set({public_of(signing_key())});
    o.issuers = {std::string(kIssuer)};
    o.clock = fixed_clock(kNow);
    o.decryption_keys = KeySet::from_keys(std::move(decryption_keys)).value();
    return o;
}

Verifier verifier_for(std::vector<Jwk> decryption_keys) {
    return Verifier::create(options_for(std::move(decryption_keys))).value();
}

const Verifier& ecdh_verifier() {
    static const Verifier v = verifier_for({decryption_key(KeyManagement::ECDH_ES_A256KW)});
    return v;
}

Errc verify_code(std::string_view token, const Verifier& v = ecdh_verifier()) {
    return v.verify(token).code();
}

// ---------------------------------------------------------------------------------------------
// Accepting nested tokens

TEST(NestedJwt, DecryptsThenVerifiesWithAlgorithmsDerivedFromTheDecryptionKey) {
    for (KeyManagement alg :
         {KeyManagement::RSA_OAEP_256, KeyManagement::ECDH_ES_A256KW, KeyManagement::ECDH_ES,
          KeyManagement::A256KW, KeyManagement::A128GCMKW, KeyManagement::dir}) {
        SCOPED_TRACE(to_string(alg));
        const Verifier v = verifier_for({decryption_key(alg)});
        // RFC 8725 §3.1 for decryption too: only the algorithm the key is bound to.
        EXPECT_EQ(v.options().decryption.algorithms, std::vector<KeyManagement>{alg});
        auto claims = v.verify(nested(alg));
        ASSERT_TRUE(claims) << claims.error().to_string();
        EXPECT_EQ(claims->subject(), "alice");
        EXPECT_EQ(claims->get_string("email"), "alice@example.com");
    }
}

TEST(NestedJwt, SeveralDecryptionKeysAllowTheirAlgorithms) {
    const Verifier v = verifier_for({decryption_key(KeyManagement::RSA_OAEP_256),
                                     decryption_key(KeyManagement::ECDH_ES_A256KW)});
    EXPECT_EQ(v.verify(nested(KeyManagement::RSA_OAEP_256)).code(), Errc::ok);
    EXPECT_EQ(v.verify(nested(KeyManagement::ECDH_ES_A256KW)).code(), Errc::ok);
    // A token for an algorithm no decryption key is bound to.
    EXPECT_EQ(v.verify(nested(KeyManagement::RSA_OAEP)).code(), Errc::alg_not_allowed);
}

TEST(NestedJwt, ExplicitDecryptionAlgorithms) {
    // A decryption key without "alg": the algorithms must be named.
    const Jwk& bound = decryption_key(KeyManagement::A256KW);
    json::object unbound_json = bound.to_json(true);
    unbound_json.erase("alg");
    const Jwk unbound = Jwk::from_json(unbound_json).value();
    ASSERT_FALSE(unbound.key_management());
    EXPECT_EQ(Verifier::create(options_for({unbound})).code(), Errc::invalid_argument);

    VerifierOptions o = options_for({unbound});
    o.decryption.algorithms = {KeyManagement::A256KW};
    const Verifier v = Verifier::create(o).value();
    EXPECT_EQ(v.verify(nested(KeyManagement::A256KW)).code(), Errc::ok);

    o.decryption.algorithms = {KeyManagement::A128KW, KeyManagement::A192KW};
    EXPECT_EQ(Verifier::create(o).value().verify(nested(KeyManagement::A256KW)).code(),
              Errc::alg_not_allowed);
    // The content encryption allow-list applies too.
    o.decryption.algorithms = {KeyManagement::A256KW};
    o.decryption.encryptions = {ContentEncryption::A128GCM};
    EXPECT_EQ(Verifier::create(o).value().verify(nested(KeyManagement::A256KW)).code(),
              Errc::enc_not_allowed);
}

TEST(NestedJwt, CompressedAndCbcEncryptedNestedTokens) {
    JweEncryptOptions o;
    o.header["cty"] = "JWT";
    o.compress = true;
    const Jwk& key = decryption_key(KeyManagement::ECDH_ES_A256KW);
    for (ContentEncryption enc : all_content_encryption()) {
        SCOPED_TRACE(to_string(enc));
        const std::string token =
            jwe::encrypt(signed_jwt(), public_of(key), KeyManagement::ECDH_ES_A256KW, enc, o)
                .value();
        auto claims = ecdh_verifier().verify(token);
        ASSERT_TRUE(claims) << claims.error().to_string();
        EXPECT_EQ(claims->subject(), "alice");
    }
}

TEST(NestedJwt, VerifyWithHeaderReturnsTheInnerHeader) {
    auto verified = ecdh_verifier().verify_with_header(nested());
    ASSERT_TRUE(verified) << verified.error().to_string();
    EXPECT_EQ(verified->header.at("alg").as_string(), "ES256");
    EXPECT_EQ(verified->header.at("typ").as_string(), "JWT");
    EXPECT_EQ(verified->header.at("kid").as_string(), signing_key().kid());
    EXPECT_FALSE(verified->header.contains("enc"));
    EXPECT_FALSE(verified->header.contains("epk"));
    EXPECT_EQ(verified->claims.subject(), "alice");
}

// ---------------------------------------------------------------------------------------------
// Requiring encryption

TEST(NestedJwt, RequireEncryptionRefusesAPlainJws) {
    VerifierOptions o = options_for({decryption_key(KeyManagement::ECDH_ES_A256KW)});
    o.require_encryption = true;
    const Verifier v = Verifier::create(o).value();
    EXPECT_EQ(v.verify(signed_jwt()).code(), Errc::not_encrypted);
    EXPECT_EQ(v.verify(nested()).code(), Errc::ok);
    // Without the requirement both are accepted.
    EXPECT_EQ(verify_code(signed_jwt()), Errc::ok);
    EXPECT_EQ(verify_code(nested()), Errc::ok);
}

TEST(NestedJwt, RequireEncryptionNeedsDecryptionKeys) {
    VerifierOptions o;
    o.keys = key_set({public_of(signing_key())});
    o.require_encryption = true;
    EXPECT_EQ(Verifier::create(o).code(), Errc::invalid_argument);
}

TEST(NestedJwt, AVerifierWithoutDecryptionKeysRefusesAJwe) {
    VerifierOptions o;
    o.keys = key_set({public_of(signing_key())});
    o.clock = fixed_clock(kNow);
    const Verifier v = Verifier::create(o).value();
    EXPECT_EQ(v.verify(nested()).code(), Errc::malformed);
    EXPECT_EQ(v.verify(signed_jwt()).code(), Errc::ok);
}

// ---------------------------------------------------------------------------------------------
// What the JWE must hold

TEST(NestedJwt, RequiresCtyJwt) {
    const Jwk& key = decryption_key(KeyManagement::ECDH_ES_A256KW);
    const auto alg = KeyManagement::ECDH_ES_A256KW;
    const std::string inner = signed_jwt();
    EXPECT_EQ(verify_code(encrypt(inner, key, alg, std::nullopt)), Errc::bad_header);
    for (json::value cty :
         {json::value("JOSE"), json::value("JWS"), json::value("application/json"), json::value(""),
          json::value(1), json::value(json::array{"JWT"})}) {
        EXPECT_EQ(verify_code(encrypt(inner, key, alg, cty)), Errc::bad_header)
            << json::serialize(cty);
    }
    // RFC 7515 §4.1.10: media types compare case-insensitively and "application/" may be
    // omitted, so these all say JWT.
    for (std::string_view cty : {"JWT", "jwt", "application/jwt", "Application/JWT"}) {
        EXPECT_EQ(verify_code(encrypt(inner, key, alg, json::value(cty))), Errc::ok) << cty;
    }
}

TEST(NestedJwt, TheInnerTokenMustBeACompactJws) {
    const Jwk& key = decryption_key(KeyManagement::ECDH_ES_A256KW);
    const auto alg = KeyManagement::ECDH_ES_A256KW;
    // A JWE inside a JWE: decryption happens once, never recursively.
    EXPECT_EQ(verify_code(encrypt(nested(), key, alg)), Errc::malformed);
    for (std::string_view inner : {"", "not a token", "a.b", "a.b.c.d", "....", R"({"sub":"a"})"}) {
        EXPECT_EQ(verify_code(encrypt(inner, key, alg)), Errc::malformed) << inner;
    }
    // Three segments, but no "alg": still not a JWS.
    EXPECT_EQ(verify_code(encrypt("e30.e30.", key, alg)), Errc::malformed);
    // Unsecured: never.
    const std::string none = unsafe::sign_unsecured_jws(valid_claims().to_json_string()).value();
    EXPECT_EQ(verify_code(encrypt(none, key, alg)), Errc::alg_not_allowed);
}

TEST(NestedJwt, TheInnerTokenIsVerifiedInFull) {
    const Jwk& key = decryption_key(KeyManagement::ECDH_ES_A256KW);
    const auto alg = KeyManagement::ECDH_ES_A256KW;
    EXPECT_EQ(verify_code(encrypt(tamper_signature(signed_jwt()), key, alg)), Errc::bad_signature);

    Claims expired = valid_claims();
    expired.set_expires_at(NumericDate(std::chrono::seconds(kNow - 1)));
    EXPECT_EQ(verify_code(nested(alg, expired)), Errc::expired);
    Claims other_issuer = valid_claims();
    other_issuer.set_issuer("https://evil.example");
    EXPECT_EQ(verify_code(nested(alg, other_issuer)), Errc::bad_issuer);

    // Signed by a key the verifier does not know.
    KeyGenOptions g;
    g.kid = "stranger";
    const Jwk stranger = Jwk::generate(Algorithm::ES256, g).value();
    EXPECT_EQ(verify_code(encrypt(signed_jwt(valid_claims(), stranger), key, alg)),
              Errc::key_not_found);
    // Signed with an algorithm the verifier does not allow.
    EXPECT_EQ(
        verify_code(encrypt(signed_jwt(valid_claims(), test_key(Algorithm::ES384)), key, alg)),
        Errc::alg_not_allowed);
}

TEST(NestedJwt, AnInnerTokenThatClaimsToBeNestedAgainIsRefused) {
    // The inner JWS itself says "cty": "JWT": there is no third level to verify.
    Signer s = Signer::create(signing_key()).value();
    s.header("cty", "JWT");
    const std::string inner = s.sign(valid_claims()).value();
    EXPECT_EQ(verify_code(encrypt(inner, decryption_key(KeyManagement::ECDH_ES_A256KW),
                                  KeyManagement::ECDH_ES_A256KW)),
              Errc::bad_header);
}

// ---------------------------------------------------------------------------------------------
// Decryption failures

TEST(NestedJwt, ADecryptionKeyThatDoesNotFit) {
    const std::string token = nested(KeyManagement::A256KW);
    const std::string kid = decryption_key(KeyManagement::A256KW).kid();
    // Same kid, wrong size for A256KW.
    KeyGenOptions g;
    g.kid = kid;
    const Jwk small = Jwk::generate(KeyManagement::A128KW, g).value();
    VerifierOptions o = options_for({small});
    o.decryption.algorithms = {KeyManagement::A256KW};
    EXPECT_EQ(Verifier::create(o).value().verify(token).code(), Errc::key_alg_mismatch);
    // Same kid and size, other secret.
    const Jwk other = Jwk::generate(KeyManagement::A256KW, g).value();
    EXPECT_EQ(verifier_for({other}).verify(token).code(), Errc::decryption_failed);
    // Another kid.
    g.kid = "someone-else";
    EXPECT_EQ(verifier_for({Jwk::generate(KeyManagement::A256KW, g).value()}).verify(token).code(),
              Errc::key_not_found);
    // A verifier whose decryption key is bound to another algorithm does not allow this one.
    EXPECT_EQ(verify_code(token), Errc::alg_not_allowed);
}

TEST(NestedJwt, ATamperedJweIsDecryptionFailed) {
    std::string token = nested();
    const std::size_t tag = token.rfind('.') + 1;
    token[tag] = token[tag] == 'A' ? 'B' : 'A';
    EXPECT_EQ(verify_code(token), Errc::decryption_failed);
}

TEST(NestedJwt, TheDecryptionLimitsApply) {
    const std::string token = nested();
    VerifierOptions o = options_for({decryption_key(KeyManagement::ECDH_ES_A256KW)});
    o.decryption.limits.max_token_size = token.size() - 1;
    EXPECT_EQ(Verifier::create(o).value().verify(token).code(), Errc::token_too_large);
    o.decryption.limits.max_token_size = token.size();
    EXPECT_EQ(Verifier::create(o).value().verify(token).code(), Errc::ok);
}

// A key source that verifies a nested token of its own while the outer nested token's signature
// key is being looked up: the outer decrypted token must survive it.
class NestingSource final : public KeySource {
  public:
    NestingSource(const Verifier& inner, std::string token)
        : inner_(inner), token_(std::move(token)) {}
    std::shared_ptr<const KeySet> current() const override {
        inner_ok = inner_.verify(token_).ok();
        return keys_;
    }
    std::shared_ptr<const KeySet> refresh_for_kid(std::string_view) override { return keys_; }
    mutable bool inner_ok = false;

  private:
    const Verifier& inner_;
    std::string token_;
    std::shared_ptr<const KeySet> keys_ =
        std::make_shared<const KeySet>(key_set({public_of(signing_key())}));
};

TEST(NestedJwt, ANestedVerificationInsideTheKeySourceLeavesTheOuterTokenIntact) {
    const KeyManagement alg = KeyManagement::dir;
    const Verifier inner = verifier_for({decryption_key(alg)});
    Claims other = valid_claims();
    other.set_subject("someone-else-with-a-longer-subject");
    VerifierOptions o = options_for({decryption_key(alg)});
    o.keys = KeySet();
    auto source = std::make_shared<NestingSource>(inner, nested(alg, other));
    o.key_source = source;
    o.algorithms = {Algorithm::ES256};
    const Verifier outer = Verifier::create(std::move(o)).value();
    const auto claims = outer.verify(nested(alg));
    EXPECT_TRUE(source->inner_ok);
    ASSERT_TRUE(claims) << claims.error().to_string();
    EXPECT_EQ(claims->subject(), "alice");
}

}  // namespace
}  // namespace signet
