// JWS compact serialization (RFC 7515 §3.1, §5.2, §7.1): segment structure, size limit, "alg"
// handling and the allow-list, "crit" (§4.1.11), "b64" (RFC 7797), key selection by "kid" and by
// fit, header keys that never select a key (RFC 8725 §3.10), and unsecured JWS only via unsafe.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "signet/signet.hpp"
#include "test_support.hpp"

namespace signet {
namespace {

namespace json = boost::json;
using testing::b64;
using testing::key_set;
using testing::make_token;
using testing::public_of;
using testing::tamper_signature;
using testing::test_key;

constexpr std::string_view kPayload = R"({"sub":"alice"})";

JwsVerifyOptions allow(std::initializer_list<Algorithm> algs) {
    JwsVerifyOptions o;
    o.algorithms = algs;
    return o;
}

const Jwk& hs256() {
    return test_key(Algorithm::HS256);
}
KeySet hs256_set() {
    return key_set({hs256()});
}
const Jwk& es256_other() {
    static const Jwk key = Jwk::generate(Algorithm::ES256).value();
    return key;
}

std::string hs256_token(const json::object& header) {
    return make_token(header, json::object{{"sub", "alice"}}, hs256(), Algorithm::HS256);
}

Errc verify_hs256(std::string_view token, JwsVerifyOptions options = allow({Algorithm::HS256})) {
    return jws::verify(token, hs256_set(), options).code();
}

// ---------------------------------------------------------------------------------------------
// Round trips

TEST(Jws, SignsAndVerifiesWithEveryAlgorithm) {
    for (Algorithm alg : all_algorithms()) {
        const Jwk& key = test_key(alg);
        auto token = jws::sign(kPayload, key, alg);
        ASSERT_TRUE(token) << to_string(alg) << ": " << token.error().to_string();
        auto payload = jws::verify(*token, key_set({public_of(key)}), allow({alg}));
        ASSERT_TRUE(payload) << to_string(alg) << ": " << payload.error().to_string();
        EXPECT_EQ(*payload, kPayload);
        EXPECT_EQ(
            jws::verify(tamper_signature(*token), key_set({public_of(key)}), allow({alg})).code(),
            Errc::bad_signature)
            << to_string(alg);
    }
}

TEST(Jws, SignWritesAlgKidAndCallerHeader) {
    JwsSignOptions options;
    options.header["typ"] = "JOSE";
    options.header["x"] = 1;
    auto token = jws::sign("hello", hs256(), Algorithm::HS256, options);
    ASSERT_TRUE(token);
    auto parsed = CompactJws::parse(*token);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->alg_name(), "HS256");
    EXPECT_EQ(parsed->kid(), "HS256-key");
    EXPECT_EQ(parsed->header().at("typ").as_string(), "JOSE");
    EXPECT_EQ(parsed->header().at("x").as_int64(), 1);
    EXPECT_EQ(parsed->payload().value(), "hello");
    EXPECT_EQ(parsed->encoded_payload(), b64("hello"));
    EXPECT_EQ(parsed->signing_input(), token->substr(0, token->rfind('.')));
    EXPECT_EQ(parsed->encoded_signature(), token->substr(token->rfind('.') + 1));

    options.include_kid = false;
    auto no_kid = jws::sign("hello", hs256(), Algorithm::HS256, options);
    EXPECT_FALSE(CompactJws::parse(*no_kid)->header().contains("kid"));
    options.header["kid"] = "custom";
    options.include_kid = true;
    auto custom = jws::sign("hello", hs256(), Algorithm::HS256, options);
    EXPECT_EQ(CompactJws::parse(*custom)->kid(), "custom");
}

TEST(Jws, SignRefusesCallerAlgAndB64Members) {
    JwsSignOptions options;
    options.header["alg"] = "none";
    EXPECT_EQ(jws::sign("x", hs256(), Algorithm::HS256, options).code(), Errc::invalid_argument);
    JwsSignOptions b64_options;
    b64_options.header["b64"] = false;
    EXPECT_EQ(jws::sign("x", hs256(), Algorithm::HS256, b64_options).code(),
              Errc::invalid_argument);
}

TEST(Jws, SignRefusesUnusableKeys) {
    EXPECT_EQ(jws::sign("x", public_of(test_key(Algorithm::ES256)), Algorithm::ES256).code(),
              Errc::invalid_key);
    EXPECT_EQ(jws::sign("x", test_key(Algorithm::ES256), Algorithm::ES384).code(),
              Errc::key_alg_mismatch);
    EXPECT_EQ(jws::sign("x", hs256(), Algorithm::RS256).code(), Errc::key_alg_mismatch);
}

// ---------------------------------------------------------------------------------------------
// Structure

TEST(Jws, AcceptsOnlyThreeSegments) {
    const std::string token = jws::sign(kPayload, hs256(), Algorithm::HS256).value();
    const std::string header = token.substr(0, token.find('.'));
    EXPECT_EQ(verify_hs256(header + "." + b64(kPayload)), Errc::malformed);  // 2 segments
    EXPECT_EQ(verify_hs256(token + ".AAAA"), Errc::malformed);               // 4 segments
    EXPECT_EQ(verify_hs256(token + "."), Errc::malformed);
    EXPECT_EQ(verify_hs256(""), Errc::malformed);
    EXPECT_EQ(verify_hs256("abc"), Errc::malformed);
    EXPECT_EQ(verify_hs256("..."), Errc::malformed);
    EXPECT_EQ(CompactJws::parse(token + ".AAAA").code(), Errc::malformed);
}

TEST(Jws, FiveSegmentsAreReportedAsJwe) {
    const std::string jwe = b64(R"({"alg":"dir","enc":"A128GCM"})") + "..AAAA.AAAA.AAAA";
    auto r = jws::verify(jwe, hs256_set(), allow({Algorithm::HS256}));
    EXPECT_EQ(r.code(), Errc::malformed);
    EXPECT_NE(r.error().message().find("JWE"), std::string::npos) << r.error().message();
    auto four = jws::verify("a.b.c.d", hs256_set(), allow({Algorithm::HS256}));
    EXPECT_EQ(four.error().message().find("JWE"), std::string::npos) << four.error().message();
}

TEST(Jws, RejectsEmptyHeader) {
    const std::string token = jws::sign(kPayload, hs256(), Algorithm::HS256).value();
    EXPECT_EQ(verify_hs256(token.substr(token.find('.'))), Errc::malformed);
    EXPECT_EQ(CompactJws::parse("." + b64(kPayload) + ".AAAA").code(), Errc::malformed);
}

TEST(Jws, RejectsHeaderThatIsNotAnObject) {
    for (const char* header : {"[]", "\"HS256\"", "null", "{", ""}) {
        const std::string token = b64(header) + "." + b64(kPayload) + ".AAAA";
        EXPECT_EQ(verify_hs256(token),
                  std::string_view(header).empty() ? Errc::malformed : Errc::bad_json)
            << header;
    }
}

TEST(Jws, RejectsDuplicateHeaderMembers) {
    const std::string token = make_token(R"({"alg":"HS256","kid":"HS256-key","kid":"other"})",
                                         kPayload, hs256(), Algorithm::HS256);
    EXPECT_EQ(verify_hs256(token), Errc::duplicate_member);
}

std::string header_with_members(std::size_t members) {
    json::object h{{"alg", "HS256"}};
    for (std::size_t i = 1; i < members; ++i)
        h["x" + std::to_string(i)] = "v";
    return json::serialize(h);
}

TEST(Jws, HeaderMemberCountIsLimited) {
    const auto token = [](std::size_t members) {
        return make_token(header_with_members(members), kPayload, hs256(), Algorithm::HS256);
    };
    EXPECT_EQ(verify_hs256(token(kDefaultMaxHeaderMembers)), Errc::ok);
    EXPECT_EQ(verify_hs256(token(kDefaultMaxHeaderMembers + 1)), Errc::bad_header);
    EXPECT_EQ(CompactJws::parse(token(kDefaultMaxHeaderMembers + 1)).code(), Errc::bad_header);
    JwsVerifyOptions o = allow({Algorithm::HS256});
    o.limits.max_header_members = 3;
    EXPECT_EQ(verify_hs256(token(3), o), Errc::ok);
    EXPECT_EQ(verify_hs256(token(4), o), Errc::bad_header);
}

TEST(Jws, RejectsDuplicateLateInAWideHeader) {
    std::string header = header_with_members(30);
    header.insert(header.size() - 1, R"(,"x25":"again")");
    EXPECT_EQ(verify_hs256(make_token(header, kPayload, hs256(), Algorithm::HS256)),
              Errc::duplicate_member);
}

TEST(Jws, HeaderDepthFollowsLimits) {
    const std::string token =
        make_token(R"({"alg":"HS256","x":{"y":{"z":{}}}})", kPayload, hs256(), Algorithm::HS256);
    JwsVerifyOptions o = allow({Algorithm::HS256});
    o.limits.max_json_depth = 4;
    EXPECT_TRUE(jws::verify(token, hs256_set(), o));
    o.limits.max_json_depth = 3;
    EXPECT_EQ(jws::verify(token, hs256_set(), o).code(), Errc::json_too_deep);
}

TEST(Jws, RejectsTokenOverTheSizeLimitAndAcceptsOneExactlyAtIt) {
    const std::string token = jws::sign(kPayload, hs256(), Algorithm::HS256).value();
    JwsVerifyOptions o = allow({Algorithm::HS256});
    o.limits.max_token_size = token.size();
    EXPECT_TRUE(jws::verify(token, hs256_set(), o));
    o.limits.max_token_size = token.size() - 1;
    EXPECT_EQ(jws::verify(token, hs256_set(), o).code(), Errc::token_too_large);
    EXPECT_EQ(CompactJws::parse(token, o.limits).code(), Errc::token_too_large);
}

TEST(Jws, DefaultSizeLimitIs64KiB) {
    // Grow the payload until the token is exactly 64 KiB (base64url skips some lengths, so the
    // header carries a filler member too).
    std::string exact;
    for (std::size_t filler = 0; filler < 4 && exact.empty(); ++filler) {
        const json::object header{{"alg", "HS256"}, {"f", std::string(filler, 'f')}};
        const std::string h = testing::b64_json(header);
        const std::size_t fixed = h.size() + 2 + 43;  // two dots, 32-byte HS256 tag
        for (std::size_t n = (kDefaultMaxTokenSize - fixed) * 3 / 4 - 8;
             n < (kDefaultMaxTokenSize - fixed) * 3 / 4 + 8; ++n) {
            const std::string payload = "{\"p\":\"" + std::string(n - 8, 'x') + "\"}";
            if (h.size() + 1 + b64(payload).size() + 1 + 43 == kDefaultMaxTokenSize) {
                exact = make_token(json::serialize(header), payload, hs256(), Algorithm::HS256);
                break;
            }
        }
    }
    ASSERT_EQ(exact.size(), kDefaultMaxTokenSize);
    EXPECT_TRUE(jws::verify(exact, hs256_set(), allow({Algorithm::HS256})));
    EXPECT_EQ(verify_hs256(exact + "A"), Errc::token_too_large);
    EXPECT_EQ(verify_hs256(std::string(kDefaultMaxTokenSize + 1, 'A')), Errc::token_too_large);
}

TEST(Jws, RejectsWhitespaceAndNewlinesInsideToken) {
    const std::string token = jws::sign(kPayload, hs256(), Algorithm::HS256).value();
    EXPECT_EQ(verify_hs256(" " + token), Errc::bad_base64);
    EXPECT_EQ(verify_hs256(token + "\n"), Errc::bad_base64);
    EXPECT_EQ(verify_hs256(token + " "), Errc::bad_base64);
    EXPECT_EQ(verify_hs256(token + "\r\n"), Errc::bad_base64);
    std::string in_header = token;
    in_header.insert(4, "\n");
    EXPECT_EQ(verify_hs256(in_header), Errc::bad_base64);
    std::string in_signature = token;
    in_signature.insert(token.rfind('.') + 5, " ");
    EXPECT_EQ(verify_hs256(in_signature), Errc::bad_base64);
}

TEST(Jws, RejectsPayloadThatIsNotStrictBase64urlEvenWhenSigned) {
    // The signature covers the bytes as sent, so a MAC over a sloppy payload still verifies:
    // the payload's own decoding must refuse it.
    const std::string header = b64(R"({"alg":"HS256"})");
    for (const std::string& payload :
         std::vector<std::string>{b64(kPayload) + "\n", b64("ab") + "=", "eyJz dWIiOjF9", "+/+/"}) {
        const std::string input = header + "." + payload;
        const std::string token =
            input + "." + b64(sign_bytes(Algorithm::HS256, hs256(), input).value());
        EXPECT_EQ(verify_hs256(token), Errc::bad_base64) << payload;
    }
}

TEST(Jws, RejectsSignatureThatIsNotStrictBase64url) {
    const std::string token = jws::sign(kPayload, hs256(), Algorithm::HS256).value();
    EXPECT_EQ(verify_hs256(token + "="), Errc::bad_base64);
    std::string plus = token;
    plus.back() = '+';
    EXPECT_EQ(verify_hs256(plus), Errc::bad_base64);
}

// ---------------------------------------------------------------------------------------------
// "alg"

TEST(Jws, RejectsMissingAlg) {
    EXPECT_EQ(verify_hs256(hs256_token({{"typ", "JWT"}})), Errc::malformed);
}

TEST(Jws, RejectsNonStringAlg) {
    for (const json::value& alg :
         {json::value(256), json::value(nullptr), json::value(true),
          json::value(json::array{"HS256"}), json::value(json::object{{"name", "HS256"}})}) {
        EXPECT_EQ(verify_hs256(hs256_token({{"alg", alg}})), Errc::bad_header)
            << json::serialize(alg);
    }
}

TEST(Jws, RejectsUnknownAlg) {
    for (const char* alg : {"HS257", "hs256", "HS256 ", "RSA-OAEP", "", "ES256k"}) {
        EXPECT_EQ(verify_hs256(hs256_token({{"alg", alg}})), Errc::unsupported_alg) << alg;
    }
}

TEST(Jws, RejectsAlgNoneInEveryCapitalisation) {
    EXPECT_EQ(verify_hs256(hs256_token({{"alg", "none"}})), Errc::alg_not_allowed);
    for (const char* alg : {"None", "NONE", "nOnE", "nonE"}) {
        EXPECT_EQ(verify_hs256(hs256_token({{"alg", alg}})), Errc::unsupported_alg) << alg;
    }
    // Also without any signature at all, and with every algorithm allowed.
    const std::string unsecured = b64(R"({"alg":"none"})") + "." + b64(kPayload) + ".";
    JwsVerifyOptions everything;
    everything.algorithms.assign(all_algorithms().begin(), all_algorithms().end());
    EXPECT_EQ(jws::verify(unsecured, hs256_set(), everything).code(), Errc::alg_not_allowed);
}

TEST(Jws, RejectsAlgOutsideTheAllowList) {
    const Jwk key = Jwk::from_secret(std::string(64, 's'), Algorithm::HS512).value();
    const std::string token = jws::sign(kPayload, key, Algorithm::HS512).value();
    EXPECT_EQ(
        jws::verify(token, key_set({key}), allow({Algorithm::HS256, Algorithm::HS384})).code(),
        Errc::alg_not_allowed);
    EXPECT_TRUE(jws::verify(token, key_set({key}), allow({Algorithm::HS512})));
}

TEST(Jws, RejectsEmptyAllowList) {
    const std::string token = jws::sign(kPayload, hs256(), Algorithm::HS256).value();
    EXPECT_EQ(jws::verify(token, hs256_set(), JwsVerifyOptions{}).code(), Errc::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// "crit" (RFC 7515 §4.1.11)

TEST(JwsCrit, RejectsEmptyList) {
    EXPECT_EQ(verify_hs256(hs256_token({{"alg", "HS256"}, {"crit", json::array{}}})),
              Errc::unsupported_crit);
}

TEST(JwsCrit, RejectsNonArray) {
    JwsVerifyOptions o = allow({Algorithm::HS256});
    o.understood_crit = {"exp"};
    EXPECT_EQ(verify_hs256(hs256_token({{"alg", "HS256"}, {"crit", "exp"}, {"exp", 1}}), o),
              Errc::unsupported_crit);
    EXPECT_EQ(verify_hs256(hs256_token({{"alg", "HS256"}, {"crit", json::object{}}}), o),
              Errc::unsupported_crit);
}

TEST(JwsCrit, RejectsNonStringEntry) {
    EXPECT_EQ(verify_hs256(hs256_token({{"alg", "HS256"}, {"crit", json::array{1}}})),
              Errc::unsupported_crit);
}

TEST(JwsCrit, RejectsDuplicateEntry) {
    JwsVerifyOptions o = allow({Algorithm::HS256});
    o.understood_crit = {"exp"};
    EXPECT_EQ(
        verify_hs256(
            hs256_token({{"alg", "HS256"}, {"crit", json::array{"exp", "exp"}}, {"exp", 1}}), o),
        Errc::unsupported_crit);
}

TEST(JwsCrit, RejectsRegisteredNames) {
    for (const char* name : {"alg", "kid", "typ", "cty", "jwk", "x5c", "crit", "enc", "zip"}) {
        JwsVerifyOptions o = allow({Algorithm::HS256});
        o.understood_crit = {name};  // even when the caller claims to understand it
        EXPECT_EQ(verify_hs256(hs256_token({{"alg", "HS256"},
                                            {"crit", json::array{name}},
                                            {"kid", "HS256-key"},
                                            {"typ", "JWT"},
                                            {"cty", "x"},
                                            {"jwk", json::object{}},
                                            {"x5c", json::array{}},
                                            {"enc", "A128GCM"},
                                            {"zip", "DEF"}}),
                               o),
                  Errc::unsupported_crit)
            << name;
    }
}

TEST(JwsCrit, RejectsUnknownName) {
    EXPECT_EQ(
        verify_hs256(hs256_token({{"alg", "HS256"}, {"crit", json::array{"exp"}}, {"exp", 1}})),
        Errc::unsupported_crit);
}

TEST(JwsCrit, RejectsListedNameAbsentFromHeader) {
    JwsVerifyOptions o = allow({Algorithm::HS256});
    o.understood_crit = {"exp"};
    EXPECT_EQ(verify_hs256(hs256_token({{"alg", "HS256"}, {"crit", json::array{"exp"}}}), o),
              Errc::unsupported_crit);
}

TEST(JwsCrit, AcceptsNamesTheCallerUnderstands) {
    JwsVerifyOptions o = allow({Algorithm::HS256});
    o.understood_crit = {"exp", "http://example.invalid/ext"};
    const std::string token =
        hs256_token({{"alg", "HS256"},
                     {"crit", json::array{"exp", "http://example.invalid/ext"}},
                     {"exp", 1363284000},
                     {"http://example.invalid/ext", true}});
    EXPECT_EQ(verify_hs256(token, o), Errc::ok);
}

// ---------------------------------------------------------------------------------------------
// "b64" (RFC 7797)

TEST(JwsB64, UnencodedPayloadIsRefusedByCompactVerify) {
    // Without crit: refused because b64=false is not permitted here.
    EXPECT_EQ(verify_hs256(hs256_token({{"alg", "HS256"}, {"b64", false}})),
              Errc::unencoded_payload);
}

TEST(JwsB64, ConformingUnencodedPayloadIsRefusedAsUnencoded) {
    // RFC 7797 §6 requires "crit":["b64"]; such a token is still an unencoded payload, which
    // jws::verify never accepts.
    EXPECT_EQ(
        verify_hs256(hs256_token({{"alg", "HS256"}, {"b64", false}, {"crit", json::array{"b64"}}})),
        Errc::unencoded_payload);
}

TEST(JwsB64, RejectsNonBooleanB64) {
    for (const json::value& v : {json::value("false"), json::value(0), json::value(nullptr)}) {
        EXPECT_EQ(verify_hs256(hs256_token({{"alg", "HS256"}, {"b64", v}})), Errc::bad_header)
            << json::serialize(v);
    }
}

TEST(JwsB64, DetachedUnencodedRoundTrip) {
    const std::string payload = "$.02";  // RFC 7797 §4.2's payload
    auto token = jws::sign_detached_unencoded(payload, hs256(), Algorithm::HS256);
    ASSERT_TRUE(token) << token.error().to_string();
    EXPECT_NE(token->find(".."), std::string::npos);
    const json::object header = CompactJws::parse(*token)->header();
    EXPECT_EQ(header.at("b64"), json::value(false));
    EXPECT_EQ(header.at("crit"), (json::array{"b64"}));
    EXPECT_TRUE(
        jws::verify_detached_unencoded(*token, payload, hs256_set(), allow({Algorithm::HS256})));
    EXPECT_EQ(jws::verify_detached_unencoded(*token, "$.03", hs256_set(), allow({Algorithm::HS256}))
                  .code(),
              Errc::bad_signature);
    EXPECT_EQ(
        jws::verify_detached_unencoded(*token, "", hs256_set(), allow({Algorithm::HS256})).code(),
        Errc::bad_signature);
    EXPECT_EQ(jws::verify_detached_unencoded(tamper_signature(*token), payload, hs256_set(),
                                             allow({Algorithm::HS256}))
                  .code(),
              Errc::bad_signature);
    // The detached token is not a compact JWS that jws::verify accepts.
    EXPECT_NE(jws::verify(*token, hs256_set(), allow({Algorithm::HS256})).code(), Errc::ok);
}

TEST(JwsB64, DetachedUnencodedWithEveryKeyType) {
    for (Algorithm alg : {Algorithm::ES256, Algorithm::EdDSA, Algorithm::PS256}) {
        auto token = jws::sign_detached_unencoded("payload bytes", test_key(alg), alg);
        ASSERT_TRUE(token) << to_string(alg);
        EXPECT_TRUE(jws::verify_detached_unencoded(
            *token, "payload bytes", key_set({public_of(test_key(alg))}), allow({alg})))
            << to_string(alg);
        EXPECT_EQ(jws::verify_detached_unencoded(*token, "payload byteS",
                                                 key_set({public_of(test_key(alg))}), allow({alg}))
                      .code(),
                  Errc::bad_signature);
    }
}

TEST(JwsB64, DetachedVerifyRejectsAttachedPayloadAndEmptyAllowList) {
    const std::string token = jws::sign_detached_unencoded("p", hs256(), Algorithm::HS256).value();
    const std::size_t dots = token.find("..");
    const std::string attached = token.substr(0, dots) + ".cA" + token.substr(dots + 1);
    EXPECT_EQ(jws::verify_detached_unencoded(attached, "p", hs256_set(), allow({Algorithm::HS256}))
                  .code(),
              Errc::malformed);
    EXPECT_EQ(jws::verify_detached_unencoded(token, "p", hs256_set(), JwsVerifyOptions{}).code(),
              Errc::invalid_argument);
}

TEST(JwsB64, DetachedVerifyRejectsSignatureThatIsNotBase64url) {
    const std::string token = jws::sign_detached_unencoded("p", hs256(), Algorithm::HS256).value();
    EXPECT_EQ(
        jws::verify_detached_unencoded(token + "=", "p", hs256_set(), allow({Algorithm::HS256}))
            .code(),
        Errc::bad_base64);
    EXPECT_EQ(
        jws::verify_detached_unencoded(token + "\n", "p", hs256_set(), allow({Algorithm::HS256}))
            .code(),
        Errc::bad_base64);
}

TEST(JwsB64, DetachedUnencodedNeedsB64InCrit) {
    const std::string header = b64(R"({"alg":"HS256","b64":false})");
    const std::string input = header + ".p";
    const std::string token =
        header + ".." + b64(sign_bytes(Algorithm::HS256, hs256(), input).value());
    EXPECT_EQ(
        jws::verify_detached_unencoded(token, "p", hs256_set(), allow({Algorithm::HS256})).code(),
        Errc::unsupported_crit);
}

TEST(JwsB64, DetachedEncodedPayloadVerifies) {
    // A detached JWS without "b64": the payload is base64url-encoded for the signing input.
    const std::string token = jws::sign("content", hs256(), Algorithm::HS256).value();
    const std::size_t first = token.find('.');
    const std::string detached = token.substr(0, first) + "." + token.substr(token.rfind('.'));
    EXPECT_TRUE(jws::verify_detached_unencoded(detached, "content", hs256_set(),
                                               allow({Algorithm::HS256})));
    EXPECT_EQ(
        jws::verify_detached_unencoded(detached, "Content", hs256_set(), allow({Algorithm::HS256}))
            .code(),
        Errc::bad_signature);
}

TEST(JwsB64, SignDetachedRefusesCallerB64AndCrit) {
    JwsSignOptions o;
    o.header["crit"] = json::array{"exp"};
    EXPECT_EQ(jws::sign_detached_unencoded("p", hs256(), Algorithm::HS256, o).code(),
              Errc::invalid_argument);
    JwsSignOptions o2;
    o2.header["b64"] = true;
    EXPECT_EQ(jws::sign_detached_unencoded("p", hs256(), Algorithm::HS256, o2).code(),
              Errc::invalid_argument);
}

TEST(JwsB64, CompactParseReturnsUnencodedPayloadAsIs) {
    const std::string token =
        b64(R"({"alg":"HS256","b64":false,"crit":["b64"]})") + ".raw payload.AAAA";
    auto parsed = CompactJws::parse(token);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->payload().value(), "raw payload");
}

// ---------------------------------------------------------------------------------------------
// Key selection

TEST(JwsKeys, UnknownKidIsKeyNotFound) {
    const std::string token = make_token(json::object{{"alg", "HS256"}, {"kid", "nobody"}},
                                         json::object{}, hs256(), Algorithm::HS256);
    auto r = jws::verify(token, hs256_set(), allow({Algorithm::HS256}));
    EXPECT_EQ(r.code(), Errc::key_not_found);
    // The message says why: the kid, not the algorithm.
    EXPECT_NE(r.error().message().find("kid"), std::string::npos) << r.error().message();
}

TEST(JwsKeys, UnknownKidFallsBackOnlyToKeysWithoutKid) {
    // RFC 7515 §4.1.4: "kid" is a hint. A key that carries no "kid" contradicts no hint, so it
    // is tried; keys with another "kid" are not.
    const Jwk signer = Jwk::generate(Algorithm::ES256).value();
    const Jwk anonymous = public_of(signer).with_kid("");
    const std::string token = make_token(json::object{{"alg", "ES256"}, {"kid", "rotated-away"}},
                                         json::object{}, signer, Algorithm::ES256);
    EXPECT_TRUE(jws::verify(token, key_set({anonymous}), allow({Algorithm::ES256})));
    // The same key under another kid is not tried.
    EXPECT_EQ(jws::verify(token, key_set({public_of(signer).with_kid("other")}),
                          allow({Algorithm::ES256}))
                  .code(),
              Errc::key_not_found);
    // A kid-less key that did not sign the token: tried, and the signature fails.
    EXPECT_EQ(jws::verify(token, key_set({public_of(es256_other()).with_kid("")}),
                          allow({Algorithm::ES256}))
                  .code(),
              Errc::bad_signature);
    // A kid-less key of the wrong type is not a candidate.
    EXPECT_EQ(jws::verify(token, key_set({public_of(test_key(Algorithm::EdDSA)).with_kid("")}),
                          allow({Algorithm::ES256, Algorithm::EdDSA}))
                  .code(),
              Errc::key_not_found);
}

TEST(JwsKeys, NonStringKidIsBadHeader) {
    EXPECT_EQ(verify_hs256(hs256_token({{"alg", "HS256"}, {"kid", 7}})), Errc::bad_header);
    EXPECT_EQ(verify_hs256(hs256_token({{"alg", "HS256"}, {"kid", nullptr}})), Errc::bad_header);
}

TEST(JwsKeys, NonStringTypOrCtyIsBadHeader) {
    EXPECT_EQ(verify_hs256(hs256_token({{"alg", "HS256"}, {"typ", 1}})), Errc::bad_header);
    EXPECT_EQ(verify_hs256(hs256_token({{"alg", "HS256"}, {"cty", json::array{}}})),
              Errc::bad_header);
}

TEST(JwsKeys, WithoutKidTriesOnlyKeysThatFit) {
    const KeySet keys =
        key_set({public_of(test_key(Algorithm::RS256)), public_of(test_key(Algorithm::ES256))});
    JwsSignOptions no_kid;
    no_kid.include_kid = false;
    const std::string token =
        jws::sign(kPayload, test_key(Algorithm::ES256), Algorithm::ES256, no_kid).value();
    auto payload = jws::verify(token, keys, allow({Algorithm::RS256, Algorithm::ES256}));
    ASSERT_TRUE(payload) << payload.error().to_string();
    EXPECT_EQ(*payload, kPayload);
    const std::string rs =
        jws::sign(kPayload, test_key(Algorithm::RS256), Algorithm::RS256, no_kid).value();
    EXPECT_TRUE(jws::verify(rs, keys, allow({Algorithm::RS256, Algorithm::ES256})));
}

TEST(JwsKeys, WithoutKidFindsTheRightKeyAmongSeveralThatFit) {
    const Jwk a = Jwk::generate(Algorithm::ES256).value();
    const Jwk b = Jwk::generate(Algorithm::ES256).value();
    const KeySet keys = key_set({public_of(a), public_of(b)});
    JwsSignOptions no_kid;
    no_kid.include_kid = false;
    EXPECT_TRUE(jws::verify(jws::sign(kPayload, b, Algorithm::ES256, no_kid).value(), keys,
                            allow({Algorithm::ES256})));
    const Jwk c = Jwk::generate(Algorithm::ES256).value();
    EXPECT_EQ(jws::verify(jws::sign(kPayload, c, Algorithm::ES256, no_kid).value(), keys,
                          allow({Algorithm::ES256}))
                  .code(),
              Errc::bad_signature);
}

TEST(JwsKeys, WithoutKidTriesAtMostSixteenKeys) {
    // Bounded work per token: without "kid", at most 16 fitting keys are tried.
    std::vector<Jwk> keys;
    for (int i = 0; i < 17; ++i)
        keys.push_back(Jwk::generate(Algorithm::ES256).value());
    std::vector<Jwk> pub;
    for (const Jwk& k : keys)
        pub.push_back(public_of(k));
    const KeySet set = KeySet::from_keys(pub).value();
    JwsSignOptions no_kid;
    no_kid.include_kid = false;
    EXPECT_TRUE(jws::verify(jws::sign(kPayload, keys[15], Algorithm::ES256, no_kid).value(), set,
                            allow({Algorithm::ES256})));
    EXPECT_EQ(jws::verify(jws::sign(kPayload, keys[16], Algorithm::ES256, no_kid).value(), set,
                          allow({Algorithm::ES256}))
                  .code(),
              Errc::bad_signature);
    // With its kid, the 17th key is found directly.
    EXPECT_TRUE(jws::verify(jws::sign(kPayload, keys[16], Algorithm::ES256).value(), set,
                            allow({Algorithm::ES256})));
}

TEST(JwsKeys, NoFittingKeyIsKeyNotFound) {
    JwsSignOptions no_kid;
    no_kid.include_kid = false;
    const std::string token =
        jws::sign(kPayload, test_key(Algorithm::ES256), Algorithm::ES256, no_kid).value();
    EXPECT_EQ(jws::verify(token, key_set({public_of(test_key(Algorithm::RS256))}),
                          allow({Algorithm::RS256, Algorithm::ES256}))
                  .code(),
              Errc::key_not_found);
    // A P-384 key does not fit ES256 either.
    EXPECT_EQ(jws::verify(token, key_set({public_of(test_key(Algorithm::ES384))}),
                          allow({Algorithm::ES256}))
                  .code(),
              Errc::key_not_found);
    // Nor does an empty set.
    EXPECT_EQ(jws::verify(token, KeySet{}, allow({Algorithm::ES256})).code(), Errc::key_not_found);
}

TEST(JwsKeys, KidSelectsAKeyThatMustAllowTheAlgorithm) {
    // The key named by "kid" is bound to RS256; a PS256 token with that kid is refused even though
    // the signature is genuine (signed by the same key material, unbound).
    json::object unbound = test_key(Algorithm::RS256).to_json(true);
    unbound.erase("alg");
    const Jwk signer = Jwk::parse(json::serialize(unbound)).value();
    const std::string token = jws::sign(kPayload, signer, Algorithm::PS256).value();
    ASSERT_EQ(CompactJws::parse(token)->kid(), "RS256-key");
    EXPECT_EQ(jws::verify(token, key_set({public_of(test_key(Algorithm::RS256))}),
                          allow({Algorithm::RS256, Algorithm::PS256}))
                  .code(),
              Errc::key_alg_mismatch);
}

TEST(JwsKeys, RsaPublicKeyIsNeverAnHmacSecret) {
    // Algorithm confusion (RFC 8725 §2.1): HMAC with the RSA public key bytes as the secret.
    const Jwk& rsa = test_key(Algorithm::RS256);
    const std::string pem = rsa.public_key()->to_pem().value();
    const Jwk fake = Jwk::from_secret(pem, Algorithm::HS256).value();
    for (bool with_kid : {true, false}) {
        json::object header{{"alg", "HS256"}};
        if (with_kid) header["kid"] = "RS256-key";
        const std::string token =
            make_token(header, json::object{{"sub", "admin"}}, fake, Algorithm::HS256);
        const Errc expected = with_kid ? Errc::key_alg_mismatch : Errc::key_not_found;
        EXPECT_EQ(jws::verify(token, key_set({public_of(rsa)}),
                              allow({Algorithm::RS256, Algorithm::HS256}))
                      .code(),
                  expected)
            << "kid: " << with_kid;
    }
}

TEST(JwsKeys, HeaderKeysNeverSelectAKey) {
    // An attacker signs with their own key and points at it every way a header can.
    const Jwk attacker = Jwk::generate(Algorithm::ES256).value();
    const json::object attacker_jwk = attacker.public_key()->to_json();
    const std::string cert_b64 = "MIIBszCCAVmgAwIBAgIUJ";  // never parsed: no key comes from it
    const KeySet ours = key_set({public_of(test_key(Algorithm::ES256))});
    const json::object variants[] = {
        {{"alg", "ES256"}, {"jwk", attacker_jwk}},
        {{"alg", "ES256"}, {"jku", "https://attacker.invalid/jwks.json"}},
        {{"alg", "ES256"}, {"x5u", "https://attacker.invalid/cert.pem"}},
        {{"alg", "ES256"}, {"x5c", json::array{cert_b64}}},
        {{"alg", "ES256"}, {"jwk", attacker_jwk}, {"jku", "https://attacker.invalid/"}},
    };
    for (const auto& header : variants) {
        const std::string token =
            make_token(header, json::object{{"sub", "admin"}}, attacker, Algorithm::ES256);
        EXPECT_EQ(jws::verify(token, ours, allow({Algorithm::ES256})).code(), Errc::bad_signature)
            << json::serialize(header);
        json::object with_kid = header;
        with_kid["kid"] = attacker.kid();
        const std::string kid_token =
            make_token(with_kid, json::object{{"sub", "admin"}}, attacker, Algorithm::ES256);
        EXPECT_EQ(jws::verify(kid_token, ours, allow({Algorithm::ES256})).code(),
                  Errc::key_not_found)
            << json::serialize(with_kid);
        json::object our_kid = header;
        our_kid["kid"] = "ES256-key";
        const std::string our_kid_token =
            make_token(our_kid, json::object{{"sub", "admin"}}, attacker, Algorithm::ES256);
        EXPECT_EQ(jws::verify(our_kid_token, ours, allow({Algorithm::ES256})).code(),
                  Errc::bad_signature)
            << json::serialize(our_kid);
    }
    // The same header keys on a genuine token do not get in the way.
    const std::string genuine =
        make_token(json::object{{"alg", "ES256"}, {"jwk", attacker_jwk}},
                   json::object{{"sub", "alice"}}, test_key(Algorithm::ES256), Algorithm::ES256);
    EXPECT_TRUE(jws::verify(genuine, ours, allow({Algorithm::ES256})));
}

// ---------------------------------------------------------------------------------------------
// Unsecured JWS, only through signet::unsafe

TEST(JwsUnsafe, UnsecuredRoundTripWorksOnlyThroughUnsafe) {
    auto token = unsafe::sign_unsecured_jws(kPayload, json::object{{"typ", "JWT"}});
    ASSERT_TRUE(token);
    EXPECT_EQ(token->back(), '.');
    const json::object header = CompactJws::parse(*token)->header();
    EXPECT_EQ(header.at("alg").as_string(), "none");
    EXPECT_EQ(header.at("typ").as_string(), "JWT");
    EXPECT_EQ(unsafe::verify_unsecured_jws(*token).value(), kPayload);
    // The normal API never accepts it.
    JwsVerifyOptions everything;
    everything.algorithms.assign(all_algorithms().begin(), all_algorithms().end());
    EXPECT_EQ(jws::verify(*token, hs256_set(), everything).code(), Errc::alg_not_allowed);
}

TEST(JwsUnsafe, SignUnsecuredNeverLetsTheHeaderChangeAlg) {
    auto token = unsafe::sign_unsecured_jws("x", json::object{{"alg", "HS256"}});
    ASSERT_TRUE(token);
    EXPECT_EQ(CompactJws::parse(*token)->alg_name(), "none");
}

TEST(JwsUnsafe, VerifyUnsecuredRefusesSignedTokensAndSignatures) {
    const std::string signed_token = jws::sign(kPayload, hs256(), Algorithm::HS256).value();
    EXPECT_EQ(unsafe::verify_unsecured_jws(signed_token).code(), Errc::alg_not_allowed);
    const std::string unsecured = unsafe::sign_unsecured_jws(kPayload).value();
    EXPECT_EQ(unsafe::verify_unsecured_jws(unsecured + "AAAA").code(), Errc::bad_signature);
    const std::string sloppy = b64(R"({"alg":"none"})") + "." + b64(kPayload) + "=.";
    EXPECT_EQ(unsafe::verify_unsecured_jws(sloppy).code(), Errc::bad_base64);
    const std::string capital = b64(R"({"alg":"None"})") + "." + b64(kPayload) + ".";
    EXPECT_EQ(unsafe::verify_unsecured_jws(capital).code(), Errc::alg_not_allowed);
    EXPECT_EQ(unsafe::verify_unsecured_jws("a.b").code(), Errc::malformed);
    ParseLimits small;
    small.max_token_size = 10;
    EXPECT_EQ(unsafe::verify_unsecured_jws(unsecured, small).code(), Errc::token_too_large);
}

}  // namespace
}  // namespace signet
