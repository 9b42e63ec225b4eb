// JWT verification (RFC 7519 §7.2, RFC 8725): Verifier configuration refusals, the algorithm
// allow-list derived from keys, signature before claims, header rules for JWTs (typ, cty, crit,
// b64), limits, the injected clock, the opt-in key resolver, verify_with_header and
// decode_without_verification.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "signet/signet.hpp"
#include "test_support.hpp"

namespace signet {
namespace {

namespace json = boost::json;
using std::chrono::seconds;
using testing::b64;
using testing::fixed_clock;
using testing::key_set;
using testing::kNow;
using testing::make_token;
using testing::public_of;
using testing::tamper_signature;
using testing::test_key;

const Jwk& es256() {
    return test_key(Algorithm::ES256);
}

json::object jwt_header(std::string_view kid = "ES256-key") {
    json::object h{{"alg", "ES256"}, {"typ", "JWT"}};
    if (!kid.empty()) h["kid"] = kid;
    return h;
}

json::object valid_claims() {
    return json::object{{"iss", "https://issuer.example"},
                        {"sub", "alice"},
                        {"aud", "api"},
                        {"iat", kNow - 10},
                        {"nbf", kNow - 10},
                        {"exp", kNow + 300}};
}

std::string es256_token(const json::object& claims, const json::object& header = jwt_header()) {
    return make_token(header, claims, es256(), Algorithm::ES256);
}

VerifierOptions base_options() {
    VerifierOptions o;
    o.keys = key_set({public_of(es256())});
    o.issuers = {"https://issuer.example"};
    o.audiences = {"api"};
    o.clock = fixed_clock(kNow);
    return o;
}

Verifier make_verifier(VerifierOptions o = base_options()) {
    auto v = Verifier::create(std::move(o));
    if (!v) throw std::runtime_error(v.error().to_string());
    return std::move(v).value();
}

// Every verification here runs through both ways of returning the claims, which must agree on
// the verdict and, on success, on the claims.
Errc verify(std::string_view token, VerifierOptions o = base_options()) {
    const Verifier verifier = make_verifier(std::move(o));
    const auto claims = verifier.verify(token);
    ClaimsView view;
    const auto viewed = verifier.verify(token, view);
    EXPECT_EQ(viewed.code(), claims.code()) << "the claims view path disagrees";
    if (claims) {
        EXPECT_EQ(view.to_claims().json(), claims->json());
    } else {
        EXPECT_EQ(view.size(), 0u);
    }
    return claims.code();
}

// ---------------------------------------------------------------------------------------------
// Configuration

TEST(VerifierCreate, RefusesNoKeys) {
    VerifierOptions o;
    o.algorithms = {Algorithm::ES256};
    EXPECT_EQ(Verifier::create(o).code(), Errc::invalid_argument);
}

TEST(VerifierCreate, RefusesWhenNoAlgorithmCanBeDerived) {
    json::object obj = es256().public_key()->to_json();
    obj.erase("alg");
    VerifierOptions o;
    o.keys = key_set({Jwk::parse(json::serialize(obj)).value()});
    EXPECT_EQ(Verifier::create(o).code(), Errc::invalid_argument);
    // One unbound key among bound ones is enough to refuse guessing.
    o.keys =
        key_set({Jwk::parse(json::serialize(obj)).value(), public_of(test_key(Algorithm::EdDSA))});
    EXPECT_EQ(Verifier::create(o).code(), Errc::invalid_argument);
    // A resolver without keys or algorithms gives nothing to derive from either.
    VerifierOptions r;
    r.key_resolver = [](const json::object&) -> Result<Jwk> { return public_of(es256()); };
    EXPECT_EQ(Verifier::create(r).code(), Errc::invalid_argument);
}

TEST(VerifierCreate, RefusesWhenNoKeyIsUsable) {
    VerifierOptions o;
    o.keys = key_set({public_of(es256())});
    o.algorithms = {Algorithm::RS256, Algorithm::ES384};
    EXPECT_EQ(Verifier::create(o).code(), Errc::key_alg_mismatch);
    json::object enc = es256().public_key()->to_json();
    enc["use"] = "enc";
    o.keys = key_set({Jwk::parse(json::serialize(enc)).value()});
    o.algorithms = {Algorithm::ES256};
    EXPECT_EQ(Verifier::create(o).code(), Errc::key_alg_mismatch);
}

TEST(VerifierCreate, RefusesNegativeLeewayAndMaxAge) {
    VerifierOptions o = base_options();
    o.leeway = seconds(-1);
    EXPECT_EQ(Verifier::create(o).code(), Errc::invalid_argument);
    VerifierOptions m = base_options();
    m.max_age = seconds(-5);
    EXPECT_EQ(Verifier::create(m).code(), Errc::invalid_argument);
}

TEST(VerifierCreate, RefusesZeroLimits) {
    VerifierOptions o = base_options();
    o.limits.max_token_size = 0;
    EXPECT_EQ(Verifier::create(o).code(), Errc::invalid_argument);
    VerifierOptions d = base_options();
    d.limits.max_json_depth = 0;
    EXPECT_EQ(Verifier::create(d).code(), Errc::invalid_argument);
    VerifierOptions m = base_options();
    m.limits.max_header_members = 0;
    EXPECT_EQ(Verifier::create(m).code(), Errc::invalid_argument);
}

TEST(VerifierCreate, DerivesAlgorithmsFromKeyAlg) {
    VerifierOptions o = base_options();
    o.keys = key_set({public_of(es256()), public_of(test_key(Algorithm::EdDSA)),
                      public_of(test_key(Algorithm::PS384))});
    const Verifier v = make_verifier(o);
    EXPECT_EQ(v.options().algorithms,
              (std::vector<Algorithm>{Algorithm::PS384, Algorithm::ES256, Algorithm::EdDSA}));
    EXPECT_TRUE(v.verify(es256_token(valid_claims())));
    // RS256 is not derived from a PS384 key: a token claiming it is refused by the allow-list.
    json::object unbound = test_key(Algorithm::PS384).to_json(true);
    unbound.erase("alg");
    const Jwk signer = Jwk::parse(json::serialize(unbound)).value();
    const std::string rs =
        make_token(json::object{{"alg", "RS256"}}, valid_claims(), signer, Algorithm::RS256);
    EXPECT_EQ(v.verify(rs).code(), Errc::alg_not_allowed);
}

TEST(VerifierCreate, ExplicitAlgorithmsAreSortedAndDeduplicated) {
    VerifierOptions o = base_options();
    o.algorithms = {Algorithm::ES256, Algorithm::HS256, Algorithm::ES256};
    EXPECT_EQ(make_verifier(o).options().algorithms,
              (std::vector<Algorithm>{Algorithm::HS256, Algorithm::ES256}));
}

// ---------------------------------------------------------------------------------------------
// Happy path and signature

TEST(Verifier, AcceptsValidTokenAndReturnsClaims) {
    auto claims = make_verifier().verify(es256_token(valid_claims()));
    ASSERT_TRUE(claims) << claims.error().to_string();
    EXPECT_EQ(claims->subject(), "alice");
    EXPECT_EQ(claims->json(), valid_claims());
}

TEST(Verifier, VerifiesEveryAlgorithm) {
    for (Algorithm alg : all_algorithms()) {
        VerifierOptions o = base_options();
        o.keys = key_set({public_of(test_key(alg))});
        json::object header{{"alg", to_string(alg)}, {"kid", test_key(alg).kid()}};
        const std::string token = make_token(header, valid_claims(), test_key(alg), alg);
        EXPECT_EQ(verify(token, o), Errc::ok) << to_string(alg);
        EXPECT_EQ(verify(tamper_signature(token), o), Errc::bad_signature) << to_string(alg);
    }
}

TEST(Verifier, ChecksSignatureBeforeClaims) {
    json::object expired = valid_claims();
    expired["exp"] = kNow - 1000;
    EXPECT_EQ(verify(tamper_signature(es256_token(expired))), Errc::bad_signature);
    // An unparseable payload behind a bad signature is a bad signature, not bad JSON.
    const std::string input = b64(json::serialize(jwt_header())) + "." + b64("not json");
    const std::string forged = input + "." + b64(std::string(64, '\x01'));
    EXPECT_EQ(verify(forged), Errc::bad_signature);
}

TEST(Verifier, RejectsTokenSignedByAnotherKey) {
    const Jwk other = Jwk::generate(Algorithm::ES256).value().with_kid("ES256-key");
    EXPECT_EQ(verify(make_token(jwt_header(), valid_claims(), other, Algorithm::ES256)),
              Errc::bad_signature);
    EXPECT_EQ(verify(make_token(jwt_header(""), valid_claims(), other, Algorithm::ES256)),
              Errc::bad_signature);
}

TEST(Verifier, RejectsUnknownKid) {
    EXPECT_EQ(verify(es256_token(valid_claims(), jwt_header("unknown"))), Errc::key_not_found);
}

TEST(Verifier, RejectsAlgNoneAndAlgOutsideAllowList) {
    const std::string none = unsafe::sign_unsecured_jws(json::serialize(valid_claims())).value();
    EXPECT_EQ(verify(none), Errc::alg_not_allowed);
    json::object h = jwt_header();
    h["alg"] = "ES384";
    const Jwk es384 = test_key(Algorithm::ES384);
    EXPECT_EQ(verify(make_token(h, valid_claims(), es384, Algorithm::ES384)),
              Errc::alg_not_allowed);
    h["alg"] = "NONE";
    EXPECT_EQ(verify(es256_token(valid_claims(), h)), Errc::unsupported_alg);
}

TEST(Verifier, RejectsHmacTokenAgainstAsymmetricKeys) {
    // Algorithm confusion (RFC 8725 §2.1): an HS256 token "signed" with the public key.
    VerifierOptions o = base_options();
    o.algorithms = {Algorithm::ES256, Algorithm::HS256};
    const Jwk fake =
        Jwk::from_secret(es256().public_key()->to_json_string(), Algorithm::HS256).value();
    json::object h{{"alg", "HS256"}, {"kid", "ES256-key"}};
    EXPECT_EQ(verify(make_token(h, valid_claims(), fake, Algorithm::HS256), o),
              Errc::key_alg_mismatch);
    h.erase("kid");
    EXPECT_EQ(verify(make_token(h, valid_claims(), fake, Algorithm::HS256), o),
              Errc::key_not_found);
}

// ---------------------------------------------------------------------------------------------
// Header rules for JWTs

TEST(VerifierHeader, RejectsNestedJwt) {
    for (const char* cty : {"JWT", "jwt", "Jwt"}) {
        json::object h = jwt_header();
        h["cty"] = cty;
        EXPECT_EQ(verify(es256_token(valid_claims(), h)), Errc::bad_header) << cty;
    }
    json::object other = jwt_header();
    other["cty"] = "json";
    EXPECT_EQ(verify(es256_token(valid_claims(), other)), Errc::ok);
}

TEST(VerifierHeader, RejectsUnencodedPayload) {
    json::object h = jwt_header();
    h["b64"] = false;
    EXPECT_EQ(verify(es256_token(valid_claims(), h)), Errc::unencoded_payload);
    h["crit"] = json::array{"b64"};
    EXPECT_EQ(verify(es256_token(valid_claims(), h)), Errc::unencoded_payload);
}

TEST(VerifierHeader, RejectsAnyCriticalExtension) {
    json::object h = jwt_header();
    h["crit"] = json::array{"exp"};
    h["exp"] = kNow + 100;
    EXPECT_EQ(verify(es256_token(valid_claims(), h)), Errc::unsupported_crit);
}

TEST(VerifierHeader, RejectsDuplicateHeaderMember) {
    const std::string header = R"({"alg":"ES256","kid":"ES256-key","kid":"ES256-key"})";
    EXPECT_EQ(
        verify(make_token(header, json::serialize(valid_claims()), es256(), Algorithm::ES256)),
        Errc::duplicate_member);
}

TEST(VerifierHeader, ExpectedTypIsComparedAsMediaType) {
    VerifierOptions o = base_options();
    o.type = "at+jwt";
    for (const char* typ : {"at+jwt", "AT+JWT", "application/at+jwt", "Application/At+Jwt"}) {
        json::object h = jwt_header();
        h["typ"] = typ;
        EXPECT_EQ(verify(es256_token(valid_claims(), h), o), Errc::ok) << typ;
    }
    for (const char* typ : {"JWT", "at+jwt ", "application/jwt", "at", "application/", ""}) {
        json::object h = jwt_header();
        h["typ"] = typ;
        EXPECT_EQ(verify(es256_token(valid_claims(), h), o), Errc::bad_typ) << typ;
    }
    json::object missing = jwt_header();
    missing.erase("typ");
    EXPECT_EQ(verify(es256_token(valid_claims(), missing), o), Errc::bad_typ);
}

TEST(VerifierHeader, ExpectedTypMayNameTheFullMediaType) {
    VerifierOptions o = base_options();
    o.type = "application/at+jwt";
    json::object h = jwt_header();
    h["typ"] = "at+jwt";
    EXPECT_EQ(verify(es256_token(valid_claims(), h), o), Errc::ok);
    h["typ"] = "JWT";
    EXPECT_EQ(verify(es256_token(valid_claims(), h), o), Errc::bad_typ);
}

TEST(VerifierHeader, AnyTypWithoutExpectation) {
    json::object h = jwt_header();
    h["typ"] = "something/else";
    EXPECT_EQ(verify(es256_token(valid_claims(), h)), Errc::ok);
    h.erase("typ");
    EXPECT_EQ(verify(es256_token(valid_claims(), h)), Errc::ok);
    h["typ"] = 5;
    EXPECT_EQ(verify(es256_token(valid_claims(), h)), Errc::bad_header);
}

// A thread keeps the last flat header it scanned; tokens with other headers, and verifiers with
// other options, must each still get their own verdict.
TEST(VerifierHeader, InterleavedHeadersAndVerifiersEachGetTheirOwnVerdict) {
    const Jwk second = Jwk::generate(Algorithm::ES256).value().with_kid("second");
    VerifierOptions both = base_options();
    both.keys = key_set({public_of(es256()), public_of(second)});
    const Verifier lenient = make_verifier(both);
    both.type = "JWT";
    const Verifier strict_typ = make_verifier(both);

    json::object no_typ = jwt_header();
    no_typ.erase("typ");
    const std::string first_token = es256_token(valid_claims());
    const std::string second_token =
        make_token(jwt_header("second"), valid_claims(), second, Algorithm::ES256);
    const std::string untyped_token = es256_token(valid_claims(), no_typ);
    // The first key's header naming the second key: the signature cannot match.
    const std::string wrong_kid =
        make_token(jwt_header("second"), valid_claims(), es256(), Algorithm::ES256);
    for (int round = 0; round < 3; ++round) {
        ClaimsView view;
        EXPECT_TRUE(lenient.verify(first_token, view));
        EXPECT_TRUE(lenient.verify(second_token, view));
        EXPECT_EQ(lenient.verify(wrong_kid, view).code(), Errc::bad_signature);
        EXPECT_TRUE(lenient.verify(untyped_token, view));
        EXPECT_EQ(strict_typ.verify(untyped_token, view).code(), Errc::bad_typ);
        EXPECT_TRUE(strict_typ.verify(first_token, view));
        EXPECT_EQ(strict_typ.verify(untyped_token).code(), Errc::bad_typ);
        EXPECT_TRUE(lenient.verify(untyped_token));
    }
}

TEST(VerifierHeader, HeaderKeysAreIgnored) {
    const Jwk attacker = Jwk::generate(Algorithm::ES256).value();
    json::object h{{"alg", "ES256"}, {"jwk", attacker.public_key()->to_json()}};
    EXPECT_EQ(verify(make_token(h, valid_claims(), attacker, Algorithm::ES256)),
              Errc::bad_signature);
    h["kid"] = attacker.kid();
    EXPECT_EQ(verify(make_token(h, valid_claims(), attacker, Algorithm::ES256)),
              Errc::key_not_found);
}

// ---------------------------------------------------------------------------------------------
// Payload and limits

TEST(VerifierPayload, RejectsDuplicateClaims) {
    const std::string payload =
        R"({"sub":"alice","aud":"api","iss":"https://issuer.example","aud":"api"})";
    EXPECT_EQ(verify(make_token(json::serialize(jwt_header()), payload, es256(), Algorithm::ES256)),
              Errc::duplicate_member);
}

TEST(VerifierPayload, RejectsNonObjectOrInvalidPayload) {
    for (const char* payload :
         {"[]", "\"sub\"", "1", "null", "{", "{\"a\":\"\xff\"}", "{} {}", ""}) {
        EXPECT_EQ(
            verify(make_token(json::serialize(jwt_header()), payload, es256(), Algorithm::ES256)),
            Errc::bad_json)
            << payload;
    }
}

TEST(VerifierPayload, RejectsPayloadThatIsNotStrictBase64urlEvenWhenSigned) {
    const std::string input =
        b64(json::serialize(jwt_header())) + "." + b64(json::serialize(valid_claims())) + "\n";
    const std::string token =
        input + "." + b64(sign_bytes(Algorithm::ES256, es256(), input).value());
    EXPECT_EQ(verify(token), Errc::bad_base64);
}

TEST(VerifierPayload, PayloadDepthFollowsLimits) {
    json::object claims = valid_claims();
    claims["x"] = json::object{{"y", json::object{{"z", json::object{}}}}};  // 4 levels in all
    const std::string token = es256_token(claims);
    VerifierOptions o = base_options();
    o.limits.max_json_depth = 4;
    EXPECT_EQ(verify(token, o), Errc::ok);
    o.limits.max_json_depth = 3;
    EXPECT_EQ(verify(token, o), Errc::json_too_deep);
}

TEST(VerifierPayload, HeaderMemberCountIsLimited) {
    const auto token = [](std::size_t members) {
        json::object h = jwt_header();
        for (std::size_t i = h.size(); i < members; ++i)
            h["x" + std::to_string(i)] = "v";
        return es256_token(valid_claims(), h);
    };
    const Verifier v = make_verifier();
    EXPECT_EQ(v.verify(token(kDefaultMaxHeaderMembers)).code(), Errc::ok);
    EXPECT_EQ(v.verify(token(kDefaultMaxHeaderMembers + 1)).code(), Errc::bad_header);
    EXPECT_EQ(v.verify_with_header(token(kDefaultMaxHeaderMembers + 1)).code(), Errc::bad_header);
    EXPECT_EQ(decode_without_verification(token(kDefaultMaxHeaderMembers + 1)).code(),
              Errc::bad_header);
    VerifierOptions o = base_options();
    o.limits.max_header_members = 4;
    EXPECT_EQ(verify(token(4), o), Errc::ok);
    // A configured limit holds however the header is read (verify_with_header always parses it
    // as a document; verify may take a faster route for small flat headers).
    EXPECT_EQ(make_verifier(o).verify_with_header(token(5)).code(), Errc::bad_header);
    EXPECT_EQ(verify(token(5), o), Errc::bad_header);
}

TEST(VerifierPayload, TokenSizeLimitBoundary) {
    const std::string token = es256_token(valid_claims());
    VerifierOptions o = base_options();
    o.limits.max_token_size = token.size();
    EXPECT_EQ(verify(token, o), Errc::ok);
    o.limits.max_token_size = token.size() - 1;
    EXPECT_EQ(verify(token, o), Errc::token_too_large);
}

TEST(VerifierPayload, RejectsMalformedTokens) {
    const std::string token = es256_token(valid_claims());
    EXPECT_EQ(verify(token.substr(0, token.rfind('.'))), Errc::malformed);
    EXPECT_EQ(verify(token + ".x"), Errc::malformed);
    EXPECT_EQ(verify(token + "\n"), Errc::bad_base64);
    EXPECT_EQ(verify(""), Errc::malformed);
}

// Header and claims texts as a producer might write them: spacing, escapes, number forms,
// duplicate names, many members. verify and verify_with_header (which always parses the header
// as a document) must agree with each other and with the expected code.
struct TextCase {
    const char* header;
    const char* payload;
    Errc expected;
};

const TextCase kTextCases[] = {
    {R"({"alg":"ES256"})", R"({"sub":"a"})", Errc::ok},
    {R"( { "alg" : "ES256" , "typ" : "JWT" } )", "\t{ \"sub\" : \"a\" }\n", Errc::ok},
    {R"({"alg":"\u0045S256"})", R"({"sub":"a"})", Errc::ok},
    {R"({"alg":"\u006eone"})", R"({"sub":"a"})", Errc::alg_not_allowed},
    {R"({"alg":"ES256","alg":"ES256"})", R"({"sub":"a"})", Errc::duplicate_member},
    {R"({"alg":"ES256","\u0061lg":"ES256"})", R"({"sub":"a"})", Errc::duplicate_member},
    {R"({"alg":"ES256","b64":true})", R"({"sub":"a"})", Errc::ok},
    {R"({"alg":"ES256","b64":false})", R"({"sub":"a"})", Errc::unencoded_payload},
    {R"({"alg":"ES256","b64":"false"})", R"({"sub":"a"})", Errc::bad_header},
    {R"({"alg":"ES256","b64":null})", R"({"sub":"a"})", Errc::bad_header},
    {R"({"alg":"ES256","kid":true})", R"({"sub":"a"})", Errc::bad_header},
    {R"({"alg":"ES256","typ":false})", R"({"sub":"a"})", Errc::bad_header},
    {R"({"alg":"ES256","cty":"\u004aWT"})", R"({"sub":"a"})", Errc::bad_header},
    {R"({"alg":"ES256","crit":"b64","b64":true})", R"({"sub":"a"})", Errc::unsupported_crit},
    {R"({"alg":true})", R"({"sub":"a"})", Errc::bad_header},
    {R"({"typ":"JWT"})", R"({"sub":"a"})", Errc::malformed},
    {R"({})", R"({"sub":"a"})", Errc::malformed},
    {R"({"alg":"ES256"} x)", R"({"sub":"a"})", Errc::bad_json},
    {R"({"alg":"ES256",})", R"({"sub":"a"})", Errc::bad_json},
    {R"({"alg":"ES256","a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10,"k":11,)"
     R"("l":12,"m":13,"n":14,"o":15,"p":16,"q":17})",
     R"({"sub":"a"})", Errc::ok},
    {R"({"alg":"ES256"})", R"({"sub":"a","s\u0075b":"b"})", Errc::duplicate_member},
    {R"({"alg":"ES256"})", R"({"sub":"a","sub":"a"})", Errc::duplicate_member},
    {R"({"alg":"ES256"})", R"({"aud":["api","api"],"sub":"a"})", Errc::ok},
    {R"({"alg":"ES256"})", R"({"aud":["api",],"sub":"a"})", Errc::bad_json},
    {R"({"alg":"ES256"})", R"({"sub":"a",})", Errc::bad_json},
    {R"({"alg":"ES256"})", R"({"exp":999999999999999999})", Errc::ok},
    {R"({"alg":"ES256"})", R"({"exp":9999999999999999999})", Errc::ok},
    {R"({"alg":"ES256"})", R"({"exp":1700000300.0})", Errc::ok},
    {R"({"alg":"ES256"})", R"({"exp":17000003e2})", Errc::ok},
    {R"({"alg":"ES256"})", R"({"exp":-0})", Errc::expired},
    {R"({"alg":"ES256"})", R"({"exp":1700000000})", Errc::expired},
    {R"({"alg":"ES256"})", R"({"exp":01700000300})", Errc::bad_json},
    {R"({"alg":"ES256"})", R"({"exp":1700000300x})", Errc::bad_json},
    {R"({"alg":"ES256"})", R"({"exp":-})", Errc::bad_json},
    {R"({"alg":"ES256"})", R"({"exp":"1700000300"})", Errc::bad_claim_type},
    {R"({"alg":"ES256"})", R"({"nbf":true})", Errc::bad_claim_type},
    {R"({"alg":"ES256"})", R"({"iss":null})", Errc::bad_claim_type},
    {R"({"alg":"ES256"})", R"({"aud":[1]})", Errc::bad_claim_type},
    {R"({"alg":"ES256"})", R"({"sub":"caf\u00e9"})", Errc::ok},
    {R"({"alg":"ES256"})", "{\"sub\":\"caf\xc3\xa9\"}", Errc::ok},
    {R"({"alg":"ES256"})", "{\"sub\":\"\xc3\"}", Errc::bad_json},
    {R"({"alg":"ES256"})", "{\"sub\":\"a\x01\"}", Errc::bad_json},
    {R"({"alg":"ES256"})", R"({"a":{"b":{}}})", Errc::ok},
    {R"({"alg":"ES256"})", R"([{"sub":"a"}])", Errc::bad_json},
    {R"({"alg":"ES256"})", R"({})", Errc::ok},
    {R"({"alg":"ES256"})", R"({"sub":"a"}{})", Errc::bad_json},
};

TEST(VerifierPayload, HeaderAndClaimsTextsAreReadStrictly) {
    VerifierOptions o = base_options();
    o.issuers.clear();
    o.audiences.clear();
    const Verifier v = make_verifier(o);
    for (const TextCase& c : kTextCases) {
        const std::string token = make_token(c.header, c.payload, es256(), Algorithm::ES256);
        EXPECT_EQ(v.verify(token).code(), c.expected) << c.header << " " << c.payload;
        EXPECT_EQ(v.verify_with_header(token).code(), c.expected) << c.header << " " << c.payload;
    }
}

TEST(VerifierPayload, StringsAreDecodedWhereverTheSpecialCharacterSits) {
    // Escapes, control characters, DEL and UTF-8 at every position of strings of every length
    // up to three eight-byte blocks, in a claim value and in the header "kid".
    VerifierOptions o = base_options();
    o.issuers.clear();
    o.audiences.clear();
    const Verifier v = make_verifier(o);
    const std::string alphabet = "abcdefghijklmnopqrstuvwxyz";
    for (std::size_t length = 0; length <= 24; ++length) {
        const std::string base = alphabet.substr(0, length);
        for (std::size_t at = 0; at <= length; ++at) {
            const auto spell = [&](std::string_view insert) {
                return base.substr(0, at) + std::string(insert) + base.substr(at);
            };
            const auto claims_token = [&](std::string_view raw) {
                return make_token(R"({"alg":"ES256"})", "{\"sub\":\"" + spell(raw) + "\"}", es256(),
                                  Algorithm::ES256);
            };
            const std::string where = std::to_string(length) + "/" + std::to_string(at);
            auto escaped = v.verify(claims_token("\\n"));
            ASSERT_TRUE(escaped) << where << ": " << escaped.error().to_string();
            EXPECT_EQ(escaped->subject(), spell("\n")) << where;
            auto quoted = v.verify(claims_token("\\\""));
            ASSERT_TRUE(quoted) << where;
            EXPECT_EQ(quoted->subject(), spell("\"")) << where;
            auto del = v.verify(claims_token("\x7f"));
            ASSERT_TRUE(del) << where;
            EXPECT_EQ(del->subject(), spell("\x7f")) << where;
            auto utf8 = v.verify(claims_token("\xc3\xa9"));
            ASSERT_TRUE(utf8) << where;
            EXPECT_EQ(utf8->subject(), spell("\xc3\xa9")) << where;
            EXPECT_EQ(v.verify(claims_token("\x01")).code(), Errc::bad_json) << where;
            EXPECT_EQ(v.verify(claims_token("\x1f")).code(), Errc::bad_json) << where;
            EXPECT_EQ(v.verify(claims_token("\xff")).code(), Errc::bad_json) << where;
            EXPECT_EQ(v.verify(claims_token("\\x")).code(), Errc::bad_json) << where;

            // The same in the header: an escaped kid names the key with the unescaped kid.
            VerifierOptions k = o;
            k.keys = key_set({public_of(es256()).with_kid(spell("/"))});
            const Verifier kv = make_verifier(k);
            const std::string header = R"({"alg":"ES256","kid":")" + spell("\\/") + "\"}";
            EXPECT_EQ(kv.verify(make_token(header, "{}", es256(), Algorithm::ES256)).code(),
                      Errc::ok)
                << where;
            const std::string raw = R"({"alg":"ES256","kid":")" + spell("\x02") + "\"}";
            EXPECT_EQ(kv.verify(make_token(raw, "{}", es256(), Algorithm::ES256)).code(),
                      Errc::bad_json)
                << where;
        }
    }
}

TEST(VerifierPayload, ClaimsAreTheSameWhateverTheirSpelling) {
    const Verifier v = make_verifier();
    const std::string plain = R"({"iss":"https://issuer.example","aud":["api"],"sub":"a","n":-12})";
    const std::string spaced =
        R"( {"iss" : "https:\/\/issuer.example", "aud":[ "api" ] ,"sub":"\u0061", "n":-12.0e0 } )";
    auto a = v.verify(make_token(R"({"alg":"ES256"})", plain, es256(), Algorithm::ES256));
    auto b = v.verify(make_token(R"({"alg":"ES256"})", spaced, es256(), Algorithm::ES256));
    ASSERT_TRUE(a) << a.error().to_string();
    ASSERT_TRUE(b) << b.error().to_string();
    EXPECT_EQ(a->issuer(), b->issuer());
    EXPECT_EQ(a->audience(), b->audience());
    EXPECT_EQ(a->subject(), b->subject());
    EXPECT_EQ(a->get_number("n"), b->get_number("n"));
    EXPECT_EQ(a->get_int("n"), -12);
}

// ---------------------------------------------------------------------------------------------
// Claims through the Verifier

TEST(VerifierClaims, RejectsExpiredTokenBeyondLeeway) {
    json::object c = valid_claims();
    c["exp"] = kNow - 20;
    VerifierOptions o = base_options();
    EXPECT_EQ(verify(es256_token(c), o), Errc::expired);
    o.leeway = seconds(21);
    EXPECT_EQ(verify(es256_token(c), o), Errc::ok);
    o.leeway = seconds(20);
    EXPECT_EQ(verify(es256_token(c), o), Errc::expired);
}

TEST(VerifierClaims, ExpiresExactlyAtExp) {
    json::object c = valid_claims();
    c["exp"] = kNow;
    EXPECT_EQ(verify(es256_token(c)), Errc::expired);
    c["exp"] = kNow + 1;
    EXPECT_EQ(verify(es256_token(c)), Errc::ok);
}

TEST(VerifierClaims, RejectsTokenNotYetValid) {
    json::object c = valid_claims();
    c["nbf"] = kNow + 5;
    EXPECT_EQ(verify(es256_token(c)), Errc::not_yet_valid);
    VerifierOptions o = base_options();
    o.leeway = seconds(5);
    EXPECT_EQ(verify(es256_token(c), o), Errc::ok);
}

TEST(VerifierClaims, RejectsTimeClaimsOfWrongType) {
    for (const char* name : {"exp", "nbf", "iat"}) {
        for (const json::value& v : {json::value("1700000300"), json::value(true),
                                     json::value(nullptr), json::value(json::array{kNow + 300})}) {
            json::object c = valid_claims();
            c[name] = v;
            EXPECT_EQ(verify(es256_token(c)), Errc::bad_claim_type)
                << name << " " << json::serialize(v);
        }
    }
}

TEST(VerifierClaims, MaxAge) {
    VerifierOptions o = base_options();
    o.max_age = seconds(60);
    json::object c = valid_claims();
    EXPECT_EQ(verify(es256_token(c), o), Errc::ok);
    c["iat"] = kNow - 61;
    EXPECT_EQ(verify(es256_token(c), o), Errc::token_too_old);
    c["iat"] = kNow + 1;
    EXPECT_EQ(verify(es256_token(c), o), Errc::issued_in_future);
    c.erase("iat");
    EXPECT_EQ(verify(es256_token(c), o), Errc::missing_claim);
}

TEST(VerifierClaims, IssuerAndAudience) {
    json::object c = valid_claims();
    c["iss"] = "https://issuer.example/";
    EXPECT_EQ(verify(es256_token(c)), Errc::bad_issuer);
    c = valid_claims();
    c["aud"] = "api2";
    EXPECT_EQ(verify(es256_token(c)), Errc::bad_audience);
    c["aud"] = json::array{"other", "api"};
    EXPECT_EQ(verify(es256_token(c)), Errc::ok);
    c["aud"] = json::array{"api", 7};
    EXPECT_EQ(verify(es256_token(c)), Errc::bad_claim_type);
    c["aud"] = json::array{};
    EXPECT_EQ(verify(es256_token(c)), Errc::bad_audience);
    c.erase("aud");
    EXPECT_EQ(verify(es256_token(c)), Errc::missing_claim);
    c = valid_claims();
    c.erase("iss");
    EXPECT_EQ(verify(es256_token(c)), Errc::missing_claim);
}

TEST(VerifierClaims, RequiredClaims) {
    VerifierOptions o = base_options();
    o.required_claims = {"exp", "jti"};
    EXPECT_EQ(verify(es256_token(valid_claims()), o), Errc::missing_claim);
    json::object c = valid_claims();
    c["jti"] = "id";
    EXPECT_EQ(verify(es256_token(c), o), Errc::ok);
}

// ---------------------------------------------------------------------------------------------
// Clock

TEST(VerifierClock, InjectedClockDecidesEveryTimeCheck) {
    auto calls = std::make_shared<std::atomic<int>>(0);
    auto now = std::make_shared<std::atomic<std::int64_t>>(kNow);
    VerifierOptions o = base_options();
    o.max_age = seconds(1000);
    o.clock = [calls, now] {
        ++*calls;
        return testing::at_seconds(now->load());
    };
    const Verifier v = make_verifier(o);
    json::object c = valid_claims();  // iat = nbf = now - 10, exp = now + 300
    const std::string token = es256_token(c);
    EXPECT_EQ(v.verify(token).code(), Errc::ok);
    EXPECT_GE(calls->load(), 1);
    *now = kNow + 300;  // exactly exp
    EXPECT_EQ(v.verify(token).code(), Errc::expired);
    *now = kNow - 11;  // before nbf
    EXPECT_EQ(v.verify(token).code(), Errc::not_yet_valid);
    // Without nbf and exp, iat alone decides through max_age.
    c.erase("nbf");
    c.erase("exp");
    const std::string iat_only = es256_token(c);
    *now = kNow - 11;
    EXPECT_EQ(v.verify(iat_only).code(), Errc::issued_in_future);
    *now = kNow - 10 + 1001;
    EXPECT_EQ(v.verify(iat_only).code(), Errc::token_too_old);
    *now = kNow - 10 + 1000;
    EXPECT_EQ(v.verify(iat_only).code(), Errc::ok);
}

TEST(VerifierClock, DefaultsToSystemClock) {
    VerifierOptions o = base_options();
    o.clock = nullptr;
    const Verifier v = make_verifier(o);
    // kNow is in the past, so this token's exp is too.
    EXPECT_EQ(v.verify(es256_token(valid_claims())).code(), Errc::expired);
    json::object c = valid_claims();
    const auto real =
        std::chrono::duration_cast<seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    c["exp"] = real + 600;
    c["nbf"] = real - 600;
    EXPECT_EQ(v.verify(es256_token(c)).code(), Errc::ok);
    EXPECT_TRUE(static_cast<bool>(v.options().clock));
}

// ---------------------------------------------------------------------------------------------
// Key resolver (opt-in for header-supplied keys)

TEST(VerifierResolver, HeaderJwkIsUsedOnlyThroughAResolver) {
    const Jwk attacker = Jwk::generate(Algorithm::ES256).value();
    json::object h{
        {"alg", "ES256"}, {"kid", "external"}, {"jwk", attacker.public_key()->to_json()}};
    const std::string token = make_token(h, valid_claims(), attacker, Algorithm::ES256);
    EXPECT_EQ(verify(token), Errc::key_not_found);

    auto calls = std::make_shared<std::atomic<int>>(0);
    VerifierOptions o = base_options();
    o.key_resolver = [calls](const json::object& header) -> Result<Jwk> {
        ++*calls;
        const json::value* jwk = header.if_contains("jwk");
        if (jwk == nullptr || !jwk->is_object()) return Error(Errc::key_not_found, "no jwk");
        return Jwk::from_json(jwk->as_object());
    };
    EXPECT_EQ(verify(token, o), Errc::ok);
    EXPECT_EQ(calls->load(), 2);  // once per verification: verify() runs both claims paths
}

TEST(VerifierResolver, NotConsultedForKnownKidOrWithoutKid) {
    auto calls = std::make_shared<std::atomic<int>>(0);
    VerifierOptions o = base_options();
    o.key_resolver = [calls](const json::object&) -> Result<Jwk> {
        ++*calls;
        return Error(Errc::key_not_found, "resolver");
    };
    const Verifier v = make_verifier(o);
    EXPECT_EQ(v.verify(es256_token(valid_claims())).code(), Errc::ok);
    EXPECT_EQ(v.verify(es256_token(valid_claims(), jwt_header(""))).code(), Errc::ok);
    const Jwk other = Jwk::generate(Algorithm::ES256).value();
    EXPECT_EQ(v.verify(make_token(jwt_header(""), valid_claims(), other, Algorithm::ES256)).code(),
              Errc::bad_signature);
    EXPECT_EQ(calls->load(), 0);
    // An unknown kid goes to the resolver, whose error is reported.
    EXPECT_EQ(v.verify(es256_token(valid_claims(), jwt_header("elsewhere"))).code(),
              Errc::key_not_found);
    EXPECT_EQ(calls->load(), 1);
}

TEST(VerifierResolver, ResolvedKeyMustAllowTheAlgorithm) {
    VerifierOptions o = base_options();
    o.key_resolver = [](const json::object&) -> Result<Jwk> {
        return public_of(test_key(Algorithm::ES384));
    };
    EXPECT_EQ(verify(es256_token(valid_claims(), jwt_header("elsewhere")), o),
              Errc::key_alg_mismatch);
}

TEST(VerifierResolver, ResolverAloneWithExplicitAlgorithms) {
    VerifierOptions o = base_options();
    o.keys = KeySet{};
    o.algorithms = {Algorithm::ES256};
    o.key_resolver = [](const json::object&) -> Result<Jwk> { return public_of(es256()); };
    const Verifier v = make_verifier(o);
    EXPECT_EQ(v.verify(es256_token(valid_claims(), jwt_header(""))).code(), Errc::ok);
    EXPECT_EQ(v.verify(es256_token(valid_claims(), jwt_header("any"))).code(), Errc::ok);
    EXPECT_EQ(v.verify(tamper_signature(es256_token(valid_claims()))).code(), Errc::bad_signature);
}

// ---------------------------------------------------------------------------------------------
// Header access and unverified decoding

// A rotating set larger than any fixed cache: every key's context is kept apart, and a token
// signed by one key never verifies under another key's "kid".
TEST(VerifierKeys, VerifiesAcrossALargeRotatingKeySet) {
    constexpr std::size_t kKeys = 300;
    std::vector<Jwk> keys;
    for (std::size_t i = 0; i < kKeys; ++i) {
        keys.push_back(
            Jwk::generate(Algorithm::HS256).value().with_kid("key-" + std::to_string(i)));
    }
    VerifierOptions o;
    o.keys = KeySet::from_keys(keys).value();
    o.algorithms = {Algorithm::HS256};
    o.clock = fixed_clock(kNow);
    const Verifier verifier = make_verifier(o);
    const auto token_for = [&](std::size_t signer, std::size_t named) {
        return make_token(json::object{{"alg", "HS256"}, {"kid", keys[named].kid()}},
                          valid_claims(), keys[signer], Algorithm::HS256);
    };
    for (int round = 0; round < 2; ++round) {
        for (std::size_t i = 0; i < kKeys; ++i) {
            ClaimsView view;
            ASSERT_TRUE(verifier.verify(token_for(i, i), view)) << i;
            EXPECT_EQ(verifier.verify(token_for(i, (i + 1) % kKeys)).code(), Errc::bad_signature)
                << i;
        }
    }
}

TEST(Verifier, VerifyWithHeaderReturnsHeaderAndClaims) {
    json::object h = jwt_header();
    h["x-custom"] = json::array{1, 2};
    auto token = make_verifier().verify_with_header(es256_token(valid_claims(), h));
    ASSERT_TRUE(token) << token.error().to_string();
    EXPECT_EQ(token->header, h);
    EXPECT_EQ(token->claims.json(), valid_claims());
    EXPECT_EQ(
        make_verifier().verify_with_header(tamper_signature(es256_token(valid_claims()))).code(),
        Errc::bad_signature);
}

TEST(DecodeWithoutVerification, ReturnsHeaderAndPayloadWithoutChecks) {
    json::object c = valid_claims();
    c["exp"] = 1;  // long expired
    const std::string token = tamper_signature(es256_token(c));
    auto decoded = decode_without_verification(token);
    ASSERT_TRUE(decoded) << decoded.error().to_string();
    EXPECT_EQ(decoded->header, jwt_header());
    EXPECT_EQ(decoded->payload, c);
    const std::string none = unsafe::sign_unsecured_jws(json::serialize(c)).value();
    EXPECT_TRUE(decode_without_verification(none));
}

TEST(DecodeWithoutVerification, StillRejectsMalformedInput) {
    const std::string token = es256_token(valid_claims());
    EXPECT_EQ(decode_without_verification(token.substr(0, token.rfind('.'))).code(),
              Errc::malformed);
    const std::string header = b64(json::serialize(jwt_header()));
    EXPECT_EQ(decode_without_verification(header + "." + b64("[1]") + ".").code(), Errc::bad_json);
    EXPECT_EQ(decode_without_verification(header + ".e30=.").code(), Errc::bad_base64);
    EXPECT_EQ(decode_without_verification(header + "." + b64(R"({"a":1,"a":1})") + ".").code(),
              Errc::duplicate_member);
    ParseLimits small;
    small.max_token_size = 16;
    EXPECT_EQ(decode_without_verification(token, small).code(), Errc::token_too_large);
}

}  // namespace
}  // namespace signet
