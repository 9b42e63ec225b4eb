// A Verifier over a KeySource: the set it verifies with is the source's current one, an unknown
// "kid" asks the source once for a newer set, and without named algorithms each key's own "alg"
// is the allow-list (RFC 8725 §3.1).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "jose/test_support.hpp"

namespace signet {
namespace {

namespace json = boost::json;
using testing::fixed_clock;
using testing::key_set;
using testing::kNow;
using testing::make_token;
using testing::public_of;
using testing::test_key;

Jwk key_with(Algorithm alg, const std::string& kid) {
    KeyGenOptions options;
    options.kid = kid;
    return Jwk::generate(alg, options).value();
}

json::object claims() {
    return {{"iss", "https://issuer.example"}, {"sub", "u1"}, {"exp", kNow + 600}};
}

std::string token_by(const Jwk& key, Algorithm alg) {
    json::object header{{"alg", to_string(alg)}, {"typ", "JWT"}};
    if (!key.kid().empty()) header["kid"] = key.kid();
    return make_token(header, claims(), key, alg);
}

// A single-threaded source whose refresh_for_kid installs `next` (once).
class ScriptedSource final : public KeySource {
  public:
    explicit ScriptedSource(std::shared_ptr<const KeySet> keys) : keys_(std::move(keys)) {}
    std::shared_ptr<const KeySet> current() const override { return keys_; }
    std::shared_ptr<const KeySet> refresh_for_kid(std::string_view kid) override {
        ++refreshes;
        last_kid = std::string(kid);
        if (next) {
            keys_ = next;
            next.reset();
        }
        return current();
    }
    std::shared_ptr<const KeySet> next;
    int refreshes = 0;
    std::string last_kid;

  private:
    std::shared_ptr<const KeySet> keys_;
};

std::shared_ptr<const KeySet> shared_set(std::initializer_list<Jwk> keys) {
    return std::make_shared<const KeySet>(key_set(keys));
}

Verifier verifier_over(std::shared_ptr<KeySource> source, std::vector<Algorithm> algs = {}) {
    VerifierOptions o;
    o.key_source = std::move(source);
    o.algorithms = std::move(algs);
    o.issuers = {"https://issuer.example"};
    o.clock = fixed_clock(kNow);
    return Verifier::create(std::move(o)).value();
}

TEST(KeySource, AStaticSourceVerifiesLikeItsKeySet) {
    const Jwk& key = test_key(Algorithm::ES256);
    auto source = std::make_shared<StaticKeySource>(key_set({public_of(key)}));
    EXPECT_EQ(source->refresh_for_kid("any"), nullptr);
    const Verifier v = verifier_over(source);
    auto claims_out = v.verify(token_by(key, Algorithm::ES256));
    ASSERT_TRUE(claims_out) << claims_out.error().to_string();
    EXPECT_EQ(claims_out->json().at("sub"), "u1");
    EXPECT_EQ(v.verify(testing::tamper_signature(token_by(key, Algorithm::ES256))).code(),
              Errc::bad_signature);
}

TEST(KeySource, KeysAndASourceTogetherAreRefused) {
    VerifierOptions o;
    o.keys = key_set({public_of(test_key(Algorithm::ES256))});
    o.key_source = std::make_shared<StaticKeySource>(o.keys);
    const auto created = Verifier::create(o);
    ASSERT_FALSE(created);
    EXPECT_EQ(created.code(), Errc::invalid_argument);
}

TEST(KeySource, NoUsableSetFailsWithKeysUnavailable) {
    auto source = std::make_shared<ScriptedSource>(nullptr);
    const Verifier v = verifier_over(source);
    const auto result = v.verify(token_by(test_key(Algorithm::ES256), Algorithm::ES256));
    EXPECT_EQ(result.code(), Errc::keys_unavailable);
}

TEST(KeySource, AnUnknownKidAsksTheSourceOnceAndUsesTheNewerSet) {
    const Jwk old_key = key_with(Algorithm::ES256, "old");
    const Jwk new_key = key_with(Algorithm::ES256, "new");
    auto source = std::make_shared<ScriptedSource>(shared_set({public_of(old_key)}));
    source->next = shared_set({public_of(old_key), public_of(new_key)});
    const Verifier v = verifier_over(source);
    ASSERT_TRUE(v.verify(token_by(old_key, Algorithm::ES256)));
    EXPECT_EQ(source->refreshes, 0);  // a known kid never asks
    const auto result = v.verify(token_by(new_key, Algorithm::ES256));
    ASSERT_TRUE(result) << result.error().to_string();
    EXPECT_EQ(source->refreshes, 1);
    EXPECT_EQ(source->last_kid, "new");
    ASSERT_TRUE(v.verify(token_by(new_key, Algorithm::ES256)));
    EXPECT_EQ(source->refreshes, 1);  // now known
}

TEST(KeySource, AKidTheSourceCannotFindStaysUnknown) {
    const Jwk known = key_with(Algorithm::ES256, "known");
    const Jwk stranger = key_with(Algorithm::ES256, "stranger");
    auto source = std::make_shared<ScriptedSource>(shared_set({public_of(known)}));
    const Verifier v = verifier_over(source);
    EXPECT_EQ(v.verify(token_by(stranger, Algorithm::ES256)).code(), Errc::key_not_found);
    EXPECT_EQ(source->refreshes, 1);
    // A bad signature under a known kid is not a reason to refetch.
    const std::string forged = make_token(json::object{{"alg", "ES256"}, {"kid", "known"}},
                                          claims(), stranger, Algorithm::ES256);
    EXPECT_EQ(v.verify(forged).code(), Errc::bad_signature);
    EXPECT_EQ(source->refreshes, 1);
}

TEST(KeySource, WithoutNamedAlgorithmsEachKeyAllowsOnlyItsOwnAlg) {
    const Jwk es = key_with(Algorithm::ES256, "es");
    json::object unbound_json = es.public_key()->to_json();
    unbound_json.erase("alg");
    const Jwk unbound = Jwk::from_json(unbound_json).value();
    ASSERT_FALSE(unbound.alg());

    // A key without "alg": nothing may be verified with it until the algorithms are named.
    auto source = std::make_shared<StaticKeySource>(key_set({unbound}));
    EXPECT_EQ(verifier_over(source).verify(token_by(es, Algorithm::ES256)).code(),
              Errc::key_alg_mismatch);
    EXPECT_TRUE(verifier_over(source, {Algorithm::ES256}).verify(token_by(es, Algorithm::ES256)));

    // A bound key refuses any other algorithm, even one of its type.
    const Jwk es384 = key_with(Algorithm::ES384, "es");
    auto bound = std::make_shared<StaticKeySource>(key_set({public_of(es)}));
    const std::string other_alg = make_token(json::object{{"alg", "ES384"}, {"kid", "es"}},
                                             claims(), es384, Algorithm::ES384);
    EXPECT_EQ(verifier_over(bound).verify(other_alg).code(), Errc::key_alg_mismatch);
    // "none" is never allowed, with or without named algorithms.
    const std::string unsecured =
        testing::b64(R"({"alg":"none"})") + "." + testing::b64_json(claims()) + ".";
    EXPECT_EQ(verifier_over(bound).verify(unsecured).code(), Errc::alg_not_allowed);
}

TEST(KeySource, NamedAlgorithmsStillBindWithASource) {
    const Jwk es = key_with(Algorithm::ES256, "es");
    auto source = std::make_shared<StaticKeySource>(key_set({public_of(es)}));
    EXPECT_EQ(
        verifier_over(source, {Algorithm::EdDSA}).verify(token_by(es, Algorithm::ES256)).code(),
        Errc::alg_not_allowed);
}

// A source that verifies a token of its own while the Verifier is asking it for keys (as one that
// checks a signed key document might): the outer verification keeps its own header.
class VerifyingSource final : public KeySource {
  public:
    VerifyingSource(std::shared_ptr<const KeySet> keys, std::shared_ptr<const KeySet> next,
                    const Verifier& inner, std::string inner_token)
        : keys_(std::move(keys)),
          next_(std::move(next)),
          inner_(inner),
          inner_token_(std::move(inner_token)) {}
    std::shared_ptr<const KeySet> current() const override { return keys_; }
    std::shared_ptr<const KeySet> refresh_for_kid(std::string_view) override {
        ClaimsView view;
        inner_ok = inner_.verify(inner_token_, view).ok();
        keys_ = next_;
        return keys_;
    }
    bool inner_ok = false;

  private:
    std::shared_ptr<const KeySet> keys_, next_;
    const Verifier& inner_;
    std::string inner_token_;
};

TEST(KeySource, AVerificationInsideTheSourceLeavesTheOuterHeaderIntact) {
    const Jwk old_key = key_with(Algorithm::ES256, "old");
    const Jwk new_key = key_with(Algorithm::ES256, "new");
    const Jwk other = key_with(Algorithm::HS256, "x");  // a header no longer than the outer one
    const Verifier inner = verifier_over(std::make_shared<StaticKeySource>(key_set({other})));
    auto source = std::make_shared<VerifyingSource>(
        shared_set({public_of(old_key)}), shared_set({public_of(old_key), public_of(new_key)}),
        inner, token_by(other, Algorithm::HS256));
    const Verifier v = verifier_over(source);
    ClaimsView view;
    const auto result = v.verify(token_by(new_key, Algorithm::ES256), view);
    EXPECT_TRUE(source->inner_ok);
    ASSERT_TRUE(result) << result.error().to_string();
    EXPECT_EQ(view.subject(), "u1");
}

}  // namespace
}  // namespace signet
