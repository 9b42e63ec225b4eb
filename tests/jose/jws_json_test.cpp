// JWS JSON serialization (RFC 7515 §7.2): several signatures, the flattened syntax, detached
// content (Appendix F), the RFC 7797 unencoded payload, the signature acceptance policy, and the
// header rules (disjoint headers, "crit" and "b64" integrity protected, §4.1.11 and RFC 7797 §3).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "signet/signet.hpp"
#include "test_support.hpp"

namespace signet {
namespace {

namespace json = boost::json;
using testing::b64;
using testing::key_set;
using testing::public_of;
using testing::test_key;

constexpr std::string_view kPayload = R"({"iss":"joe","http://example.com/is_root":true})";

JwsVerifyOptions allow(std::initializer_list<Algorithm> algs) {
    JwsVerifyOptions o;
    o.algorithms = algs;
    return o;
}

JwsVerifyOptions allow_three() {
    return allow({Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA});
}

std::vector<JwsJsonSigner> three_signers() {
    return {{test_key(Algorithm::RS256), Algorithm::RS256, {}, {}},
            {test_key(Algorithm::ES256), Algorithm::ES256, {}, {}},
            {test_key(Algorithm::EdDSA), Algorithm::EdDSA, {}, {}}};
}

KeySet three_public_keys() {
    return key_set({public_of(test_key(Algorithm::RS256)), public_of(test_key(Algorithm::ES256)),
                    public_of(test_key(Algorithm::EdDSA))});
}

json::object sign_three(const JwsJsonOptions& options = {}, std::string_view payload = kPayload) {
    const auto signers = three_signers();
    return jws::sign_json(payload, signers, options).value();
}

Result<JwsJsonVerified> verify(const json::object& jws,
                               const JwsVerifyOptions& options = allow_three(),
                               std::optional<std::string_view> detached = std::nullopt) {
    return jws::verify_json(json::serialize(jws), three_public_keys(), options, detached);
}

Errc verify_code(const json::object& jws, const JwsVerifyOptions& options = allow_three(),
                 std::optional<std::string_view> detached = std::nullopt) {
    return verify(jws, options, detached).code();
}

json::object& signature(json::object& jws, std::size_t i) {
    return jws.at("signatures").as_array().at(i).as_object();
}

void corrupt_signature(json::object& entry) {
    std::string sig = base64url_decode(entry.at("signature").as_string()).value();
    sig[sig.size() / 2] = static_cast<char>(sig[sig.size() / 2] ^ 0x01);
    entry["signature"] = b64(sig);
}

json::object decode_header(const json::value& encoded) {
    return json::parse(base64url_decode(encoded.as_string()).value()).as_object();
}

// ---------------------------------------------------------------------------------------------
// General and flattened syntax

TEST(JwsJson, GeneralSyntaxWithThreeSigners) {
    const json::object jws = sign_three();
    EXPECT_EQ(jws.at("payload").as_string(), b64(kPayload));
    const json::array& signatures = jws.at("signatures").as_array();
    ASSERT_EQ(signatures.size(), 3u);
    const char* algs[] = {"RS256", "ES256", "EdDSA"};
    for (std::size_t i = 0; i < 3; ++i) {
        const json::object prot = decode_header(signatures[i].as_object().at("protected"));
        EXPECT_EQ(prot.at("alg").as_string(), algs[i]);
        EXPECT_EQ(prot.at("kid").as_string(), std::string(algs[i]) + "-key");
        EXPECT_FALSE(signatures[i].as_object().contains("header"));
    }
    auto out = verify(jws);
    ASSERT_TRUE(out) << out.error().to_string();
    EXPECT_EQ(out->payload, kPayload);
    EXPECT_EQ(out->verified, (std::vector<std::size_t>{0, 1, 2}));
    ASSERT_EQ(out->protected_headers.size(), 3u);
    EXPECT_EQ(out->protected_headers[2].at("alg").as_string(), "EdDSA");
}

TEST(JwsJson, EachSignatureIsTheSameAsACompactJws) {
    // RFC 7515 §7.2.1: each signature is computed exactly as for the compact serialization.
    const json::object jws = sign_three();
    const Algorithm algs[] = {Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA};
    for (std::size_t i = 0; i < 3; ++i) {
        const json::object& entry = jws.at("signatures").as_array()[i].as_object();
        const std::string compact = std::string(entry.at("protected").as_string()) + "." +
                                    std::string(jws.at("payload").as_string()) + "." +
                                    std::string(entry.at("signature").as_string());
        auto payload = jws::verify(compact, three_public_keys(), allow({algs[i]}));
        ASSERT_TRUE(payload) << payload.error().to_string();
        EXPECT_EQ(*payload, kPayload);
    }
}

TEST(JwsJson, FlattenedSyntax) {
    JwsJsonOptions options;
    options.flattened = true;
    const std::vector<JwsJsonSigner> one = {
        {test_key(Algorithm::ES256), Algorithm::ES256, {}, json::object{{"x-note", "hi"}}}};
    const json::object jws = jws::sign_json(kPayload, one, options).value();
    EXPECT_FALSE(jws.contains("signatures"));
    EXPECT_TRUE(jws.contains("protected"));
    EXPECT_TRUE(jws.contains("signature"));
    EXPECT_EQ(jws.at("header").as_object().at("x-note").as_string(), "hi");
    auto out = verify(jws);
    ASSERT_TRUE(out) << out.error().to_string();
    EXPECT_EQ(out->payload, kPayload);
    EXPECT_EQ(out->verified, std::vector<std::size_t>{0});

    const auto signers = three_signers();
    EXPECT_EQ(jws::sign_json(kPayload, signers, options).code(), Errc::invalid_argument);
}

TEST(JwsJson, RejectsBothSyntaxesAtOnce) {
    json::object jws = sign_three();
    const json::object first = jws.at("signatures").as_array()[0].as_object();
    for (std::string_view member : {"protected", "signature", "header"}) {
        json::object t = jws;
        t[member] = member == "header" ? json::value(json::object{}) : first.at(member);
        EXPECT_EQ(verify_code(t), Errc::malformed) << member;
    }
}

// ---------------------------------------------------------------------------------------------
// Detached and unencoded payloads

TEST(JwsJson, DetachedPayload) {
    JwsJsonOptions options;
    options.detached = true;
    const json::object jws = sign_three(options);
    EXPECT_FALSE(jws.contains("payload"));
    auto out = verify(jws, allow_three(), kPayload);
    ASSERT_TRUE(out) << out.error().to_string();
    EXPECT_EQ(out->payload, kPayload);
    EXPECT_EQ(out->verified.size(), 3u);
    EXPECT_EQ(verify_code(jws, allow_three(), std::string_view("{}")), Errc::bad_signature);
    EXPECT_EQ(verify_code(jws), Errc::malformed);  // no payload anywhere
}

TEST(JwsJson, RejectsAPayloadAndADetachedPayloadTogether) {
    EXPECT_EQ(verify_code(sign_three(), allow_three(), kPayload), Errc::malformed);
}

TEST(JwsJson, UnencodedPayloadAttached) {
    // RFC 7797 §5.2: with the JSON serialization the payload may hold any characters, "." too.
    const std::string_view payload = "$.02 and {\"json\": true}";
    JwsJsonOptions options;
    options.unencoded = true;
    const json::object jws = sign_three(options, payload);
    EXPECT_EQ(jws.at("payload").as_string(), payload);
    for (const json::value& entry : jws.at("signatures").as_array()) {
        const json::object prot = decode_header(entry.as_object().at("protected"));
        EXPECT_EQ(prot.at("b64"), json::value(false));
        EXPECT_EQ(prot.at("crit"), json::value(json::array{"b64"}));
    }
    auto out = verify(jws);
    ASSERT_TRUE(out) << out.error().to_string();
    EXPECT_EQ(out->payload, payload);
    EXPECT_EQ(out->verified.size(), 3u);

    json::object tampered = jws;
    tampered["payload"] = "$.03 and {\"json\": true}";
    EXPECT_EQ(verify_code(tampered), Errc::bad_signature);
    // The base64url of the payload is not the payload.
    tampered["payload"] = b64(payload);
    EXPECT_EQ(verify_code(tampered), Errc::bad_signature);
}

TEST(JwsJson, UnencodedPayloadDetached) {
    const std::string_view payload = "$.02";  // the RFC 7797 §4.2 example payload
    JwsJsonOptions options;
    options.unencoded = true;
    options.detached = true;
    const json::object jws = sign_three(options, payload);
    EXPECT_FALSE(jws.contains("payload"));
    auto out = verify(jws, allow_three(), payload);
    ASSERT_TRUE(out) << out.error().to_string();
    EXPECT_EQ(out->payload, payload);
    EXPECT_EQ(verify_code(jws, allow_three(), std::string_view("$.03")), Errc::bad_signature);
    EXPECT_EQ(verify_code(jws, allow_three(), std::string_view(b64(payload))), Errc::bad_signature);

    // The same signature in the compact detached form of RFC 7797 §5.2.
    const json::object& entry = jws.at("signatures").as_array()[1].as_object();
    const std::string compact = std::string(entry.at("protected").as_string()) + ".." +
                                std::string(entry.at("signature").as_string());
    EXPECT_TRUE(jws::verify_detached_unencoded(compact, payload, three_public_keys(),
                                               allow({Algorithm::ES256})));
}

TEST(JwsJson, SignaturesMustAgreeOnB64) {
    // RFC 7797 §3: the payload is either encoded or not; it cannot be both.
    JwsJsonOptions unencoded;
    unencoded.unencoded = true;
    unencoded.detached = true;
    JwsJsonOptions encoded;
    encoded.detached = true;
    const std::vector<JwsJsonSigner> rs = {{test_key(Algorithm::RS256), Algorithm::RS256, {}, {}}};
    const std::vector<JwsJsonSigner> es = {{test_key(Algorithm::ES256), Algorithm::ES256, {}, {}}};
    const json::object a = jws::sign_json(kPayload, rs, unencoded).value();
    const json::object b = jws::sign_json(kPayload, es, encoded).value();
    json::object mixed;
    mixed["signatures"] =
        json::array{a.at("signatures").as_array()[0], b.at("signatures").as_array()[0]};
    EXPECT_EQ(verify_code(mixed, allow_three(), kPayload), Errc::bad_header);
    // Each alone verifies.
    EXPECT_EQ(verify_code(a, allow_three(), kPayload), Errc::ok);
    EXPECT_EQ(verify_code(b, allow_three(), kPayload), Errc::ok);
}

TEST(JwsJson, CritAndB64MustBeProtected) {
    for (json::object header : {json::object{{"b64", false}}, json::object{{"b64", true}},
                                json::object{{"crit", json::array{"b64"}}},
                                json::object{{"crit", json::array{"x"}}, {"x", 1}}}) {
        json::object jws = sign_three();
        signature(jws, 1)["header"] = header;
        EXPECT_EQ(verify_code(jws), Errc::bad_header) << json::serialize(header);
    }
}

TEST(JwsJson, B64FalseNeedsCrit) {
    // A protected "b64": false that is not listed in "crit" (RFC 7797 §6).
    const json::object prot{{"alg", "ES256"}, {"kid", "ES256-key"}, {"b64", false}};
    const std::string prot_b64 = testing::b64_json(prot);
    const std::string sig =
        sign_bytes(Algorithm::ES256, test_key(Algorithm::ES256), prot_b64 + "." + "abc").value();
    json::object jws{{"payload", "abc"}, {"protected", prot_b64}, {"signature", b64(sig)}};
    EXPECT_EQ(verify_code(jws), Errc::unsupported_crit);
}

// ---------------------------------------------------------------------------------------------
// Acceptance policy

TEST(JwsJson, OneValidSignatureSufficesByDefault) {
    json::object jws = sign_three();
    corrupt_signature(signature(jws, 1));
    auto out = verify(jws);
    ASSERT_TRUE(out) << out.error().to_string();
    EXPECT_EQ(out->verified, (std::vector<std::size_t>{0, 2}));
    EXPECT_EQ(out->payload, kPayload);
    EXPECT_EQ(out->protected_headers.size(), 3u);

    JwsVerifyOptions all = allow_three();
    all.require_all_signatures = true;
    EXPECT_EQ(verify_code(jws, all), Errc::bad_signature);
    EXPECT_EQ(verify_code(sign_three(), all), Errc::ok);
}

TEST(JwsJson, OneGoodAmongBadSignatures) {
    json::object jws = sign_three();
    corrupt_signature(signature(jws, 0));
    corrupt_signature(signature(jws, 2));
    auto out = verify(jws);
    ASSERT_TRUE(out) << out.error().to_string();
    EXPECT_EQ(out->verified, std::vector<std::size_t>{1});
    corrupt_signature(signature(jws, 1));
    EXPECT_EQ(verify_code(jws), Errc::bad_signature);
}

TEST(JwsJson, SignaturesWithDisallowedAlgorithmsDoNotCount) {
    const json::object jws = sign_three();
    auto out = verify(jws, allow({Algorithm::ES256}));
    ASSERT_TRUE(out) << out.error().to_string();
    EXPECT_EQ(out->verified, std::vector<std::size_t>{1});
    JwsVerifyOptions all = allow({Algorithm::ES256});
    all.require_all_signatures = true;
    EXPECT_EQ(verify_code(jws, all), Errc::alg_not_allowed);
    EXPECT_EQ(verify_code(jws, allow({Algorithm::PS256})), Errc::alg_not_allowed);
    EXPECT_EQ(verify_code(jws, JwsVerifyOptions{}), Errc::invalid_argument);
}

TEST(JwsJson, ASignatureFromAnUnknownKeyDoesNotCount) {
    json::object jws = sign_three();
    auto keys = key_set({public_of(test_key(Algorithm::ES256))});
    auto out = jws::verify_json(json::serialize(jws), keys, allow_three());
    ASSERT_TRUE(out) << out.error().to_string();
    EXPECT_EQ(out->verified, std::vector<std::size_t>{1});
    JwsVerifyOptions all = allow_three();
    all.require_all_signatures = true;
    EXPECT_EQ(jws::verify_json(json::serialize(jws), keys, all).code(), Errc::key_not_found);
}

// ---------------------------------------------------------------------------------------------
// Headers

TEST(JwsJson, ProtectedAndUnprotectedHeadersMustBeDisjoint) {
    // RFC 7515 §7.2.1. Signing refuses to write such headers...
    const std::vector<JwsJsonSigner> dup = {{test_key(Algorithm::ES256), Algorithm::ES256,
                                             json::object{{"typ", "JOSE"}},
                                             json::object{{"typ", "JOSE"}}}};
    EXPECT_EQ(jws::sign_json(kPayload, dup).code(), Errc::bad_header);
    // ... and verification refuses to read them.
    for (std::string_view name : {"alg", "kid"}) {
        json::object jws = sign_three();
        const json::object prot = decode_header(signature(jws, 1).at("protected"));
        signature(jws, 1)["header"] = json::object{{name, prot.at(name)}};
        EXPECT_EQ(verify_code(jws), Errc::bad_header) << name;
    }
}

TEST(JwsJson, AlgAndKidMayBeInTheUnprotectedHeader) {
    // RFC 7520 §4.8: a signature with no protected header at all, "alg" and "kid" unprotected;
    // its signing input is then "." followed by the payload.
    const std::string payload_b64 = b64(kPayload);
    const std::string sig =
        sign_bytes(Algorithm::ES256, test_key(Algorithm::ES256), "." + payload_b64).value();
    json::object jws{
        {"payload", payload_b64},
        {"signatures",
         json::array{json::object{{"header", json::object{{"alg", "ES256"}, {"kid", "ES256-key"}}},
                                  {"signature", b64(sig)}}}}};
    auto out = verify(jws);
    ASSERT_TRUE(out) << out.error().to_string();
    EXPECT_EQ(out->payload, kPayload);
    EXPECT_EQ(out->verified, std::vector<std::size_t>{0});
    EXPECT_TRUE(out->protected_headers.at(0).empty());

    // RFC 7520 §4.7: "alg" protected, "kid" unprotected, selecting among keys of one type.
    KeyGenOptions g;
    g.kid = "other-es256";
    const Jwk other = Jwk::generate(Algorithm::ES256, g).value();
    const std::vector<JwsJsonSigner> signer = {
        {test_key(Algorithm::ES256), Algorithm::ES256, {}, json::object{{"kid", "ES256-key"}}}};
    JwsJsonOptions flat;
    flat.flattened = true;
    const json::object split_header = jws::sign_json(kPayload, signer, flat).value();
    const json::object prot = decode_header(split_header.at("protected"));
    EXPECT_FALSE(prot.contains("kid"));
    const KeySet keys = key_set({public_of(other), public_of(test_key(Algorithm::ES256))});
    auto verified =
        jws::verify_json(json::serialize(split_header), keys, allow({Algorithm::ES256}));
    ASSERT_TRUE(verified) << verified.error().to_string();
    // The unprotected "kid" binds: naming the other key fails.
    json::object renamed = split_header;
    renamed["header"] = json::object{{"kid", "other-es256"}};
    EXPECT_EQ(jws::verify_json(json::serialize(renamed), keys, allow({Algorithm::ES256})).code(),
              Errc::bad_signature);
}

TEST(JwsJson, SignRefusesMembersItSetsItself) {
    for (std::string_view name : {"alg", "b64", "crit"}) {
        const std::vector<JwsJsonSigner> in_protected = {
            {test_key(Algorithm::ES256), Algorithm::ES256, json::object{{name, "x"}}, {}}};
        EXPECT_EQ(jws::sign_json(kPayload, in_protected).code(), Errc::invalid_argument) << name;
        const std::vector<JwsJsonSigner> in_header = {
            {test_key(Algorithm::ES256), Algorithm::ES256, {}, json::object{{name, "x"}}}};
        EXPECT_EQ(jws::sign_json(kPayload, in_header).code(), Errc::invalid_argument) << name;
    }
    EXPECT_EQ(jws::sign_json(kPayload, {}).code(), Errc::invalid_argument);
    // A key that cannot sign with the algorithm.
    const std::vector<JwsJsonSigner> public_only = {
        {public_of(test_key(Algorithm::ES256)), Algorithm::ES256, {}, {}}};
    EXPECT_EQ(jws::sign_json(kPayload, public_only).code(), Errc::invalid_key);
    const std::vector<JwsJsonSigner> wrong_alg = {
        {test_key(Algorithm::ES256), Algorithm::RS256, {}, {}}};
    EXPECT_EQ(jws::sign_json(kPayload, wrong_alg).code(), Errc::key_alg_mismatch);
}

// ---------------------------------------------------------------------------------------------
// Structure and limits

TEST(JwsJson, RejectsMalformedStructure) {
    const json::object jws = sign_three();
    const auto mutated = [&](auto&& change) {
        json::object copy = jws;
        change(copy);
        return verify_code(copy);
    };
    EXPECT_EQ(mutated([](json::object& j) { j["signatures"] = json::array{}; }), Errc::malformed);
    EXPECT_EQ(mutated([](json::object& j) { j["signatures"] = "x"; }), Errc::malformed);
    EXPECT_EQ(mutated([](json::object& j) { j.at("signatures").as_array()[1] = 1; }),
              Errc::malformed);
    EXPECT_EQ(mutated([](json::object& j) { signature(j, 1).erase("signature"); }),
              Errc::malformed);
    EXPECT_EQ(mutated([](json::object& j) { signature(j, 1)["signature"] = 1; }), Errc::malformed);
    EXPECT_EQ(mutated([](json::object& j) { signature(j, 1)["protected"] = 1; }), Errc::malformed);
    EXPECT_EQ(mutated([](json::object& j) { signature(j, 1)["protected"] = "!"; }),
              Errc::bad_base64);
    EXPECT_EQ(mutated([](json::object& j) { signature(j, 1)["header"] = "x"; }), Errc::malformed);
    EXPECT_EQ(mutated([](json::object& j) { j["payload"] = 1; }), Errc::malformed);
    // A signature that is not base64url is a failed signature: alone, it is reported.
    json::object one = jws;
    one["signatures"] = json::array{jws.at("signatures").as_array()[0]};
    signature(one, 0)["signature"] = "a+b/";
    EXPECT_EQ(verify_code(one), Errc::bad_base64);
    // An attached payload that is not base64url, under a valid signature.
    const std::string prot_b64 = testing::b64_json(json::object{{"alg", "ES256"}});
    const std::string sig =
        sign_bytes(Algorithm::ES256, test_key(Algorithm::ES256), prot_b64 + ".a+b/").value();
    const json::object bad_payload{
        {"payload", "a+b/"}, {"protected", prot_b64}, {"signature", b64(sig)}};
    EXPECT_EQ(verify_code(bad_payload), Errc::bad_base64);

    for (std::string_view text : {"", "[]", "{", "{} {}", "null"}) {
        EXPECT_EQ(jws::verify_json(text, three_public_keys(), allow_three()).code(), Errc::bad_json)
            << text;
    }
    EXPECT_EQ(jws::verify_json(R"({"payload":"","payload":""})", three_public_keys(), allow_three())
                  .code(),
              Errc::duplicate_member);
}

TEST(JwsJson, RejectsInputOverTheSizeLimit) {
    const std::string text = json::serialize(sign_three());
    JwsVerifyOptions o = allow_three();
    o.limits.max_token_size = text.size();
    EXPECT_EQ(jws::verify_json(text, three_public_keys(), o).code(), Errc::ok);
    o.limits.max_token_size = text.size() - 1;
    EXPECT_EQ(jws::verify_json(text, three_public_keys(), o).code(), Errc::token_too_large);
}

}  // namespace
}  // namespace signet
