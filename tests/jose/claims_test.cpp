// JWT claims sets (RFC 7519 §4) and the claim rules of validate_claims (§4.1, §7.2 step 10):
// typed access, NumericDate strictness (numbers only), exp/nbf/iat boundaries with leeway,
// maximum age, exact "iss" and "aud" matching, and required claims.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <string>

#include "signet/signet.hpp"
#include "test_support.hpp"

namespace signet {
namespace {

namespace json = boost::json;
using std::chrono::seconds;
using testing::at_seconds;
using testing::kNow;

Claims claims(std::string_view text) {
    return Claims::parse(text).value();
}

Errc check(const Claims& c, const VerifierOptions& o, std::int64_t now = kNow) {
    return validate_claims(c, o, at_seconds(now)).code();
}

Errc check(std::string_view text, const VerifierOptions& o = {}, std::int64_t now = kNow) {
    return check(claims(text), o, now);
}

std::string with(std::string_view name, std::int64_t value) {
    return "{\"" + std::string(name) + "\":" + std::to_string(value) + "}";
}

VerifierOptions leeway(std::int64_t s) {
    VerifierOptions o;
    o.leeway = seconds(s);
    return o;
}

// ---------------------------------------------------------------------------------------------
// Typed access

TEST(Claims, TypedGettersReturnOnlyTheirType) {
    const Claims c =
        claims(R"({"s":"text","i":42,"d":1.5,"b":true,"a":[1,2],"o":{"k":"v"},"z":null,"neg":-7})");
    EXPECT_EQ(c.get_string("s"), "text");
    EXPECT_FALSE(c.get_string("i").has_value());
    EXPECT_FALSE(c.get_string("missing").has_value());
    EXPECT_EQ(c.get_int("i"), 42);
    EXPECT_EQ(c.get_int("neg"), -7);
    EXPECT_FALSE(c.get_int("d").has_value());
    EXPECT_FALSE(c.get_int("s").has_value());
    EXPECT_EQ(c.get_number("d"), 1.5);
    EXPECT_EQ(c.get_number("i"), 42.0);
    EXPECT_FALSE(c.get_number("s").has_value());
    EXPECT_FALSE(c.get_number("b").has_value());
    EXPECT_EQ(c.get_bool("b"), true);
    EXPECT_FALSE(c.get_bool("i").has_value());
    ASSERT_NE(c.get_array("a"), nullptr);
    EXPECT_EQ(c.get_array("a")->size(), 2u);
    EXPECT_EQ(c.get_array("o"), nullptr);
    ASSERT_NE(c.get_object("o"), nullptr);
    EXPECT_EQ(c.get_object("a"), nullptr);
    EXPECT_TRUE(c.contains("z"));
    EXPECT_NE(c.find("z"), nullptr);
    EXPECT_EQ(c.find("missing"), nullptr);
    EXPECT_FALSE(c.get_string("z").has_value());
}

TEST(Claims, GetIntAcceptsUnsignedWithinRange) {
    const Claims c = claims(R"({"u":9223372036854775807,"over":9223372036854775808})");
    EXPECT_EQ(c.get_int("u"), INT64_MAX);
    EXPECT_FALSE(c.get_int("over").has_value());
    EXPECT_TRUE(c.get_number("over").has_value());
}

TEST(Claims, GetStringsReadsStringOrArrayOfStrings) {
    const Claims c = claims(R"({"one":"a","many":["a","b"],"mixed":["a",1],"num":3,"empty":[]})");
    EXPECT_EQ(c.get_strings("one"), (std::vector<std::string_view>{"a"}));
    EXPECT_EQ(c.get_strings("many"), (std::vector<std::string_view>{"a", "b"}));
    EXPECT_FALSE(c.get_strings("mixed").has_value());
    EXPECT_FALSE(c.get_strings("num").has_value());
    EXPECT_FALSE(c.get_strings("missing").has_value());
    EXPECT_EQ(c.get_strings("empty"), std::vector<std::string_view>{});
}

TEST(Claims, RegisteredClaimAccessors) {
    const Claims c =
        claims(R"({"iss":"https://issuer.example","sub":"alice","jti":"id-1","aud":["a","b"],)"
               R"("exp":1700000100,"nbf":1700000000,"iat":1699999990})");
    EXPECT_EQ(c.issuer(), "https://issuer.example");
    EXPECT_EQ(c.subject(), "alice");
    EXPECT_EQ(c.jwt_id(), "id-1");
    EXPECT_EQ(c.audience(), (std::vector<std::string_view>{"a", "b"}));
    EXPECT_EQ(c.expires_at(), NumericDate(seconds(1700000100)));
    EXPECT_EQ(c.not_before(), NumericDate(seconds(1700000000)));
    EXPECT_EQ(c.issued_at(), NumericDate(seconds(1699999990)));
    EXPECT_EQ(claims(R"({"aud":"x"})").audience(), (std::vector<std::string_view>{"x"}));
    EXPECT_TRUE(claims(R"({"aud":[1]})").audience().empty());
    EXPECT_TRUE(claims("{}").audience().empty());
}

TEST(Claims, NumericDatesAreNumbersOnly) {
    const Claims c =
        claims(R"({"str":"1700000000","bool":true,"null":null,"arr":[1700000000],"obj":{},)"
               R"("frac":1700000000.9,"neg":-1.5,"huge":1e300,"limit":9007199254740992})");
    for (const char* name : {"str", "bool", "null", "arr", "obj", "missing", "huge"}) {
        EXPECT_FALSE(c.get_numeric_date(name).has_value()) << name;
    }
    // Truncated to whole seconds (floor).
    EXPECT_EQ(c.get_numeric_date("frac"), NumericDate(seconds(1700000000)));
    EXPECT_EQ(c.get_numeric_date("neg"), NumericDate(seconds(-2)));
    EXPECT_EQ(c.get_numeric_date("limit"), NumericDate(seconds(9007199254740992)));
}

TEST(Claims, SettersBuildTheJson) {
    Claims c;
    c.set_issuer("iss")
        .set_subject("sub")
        .set_jwt_id("jti")
        .set_audience(std::vector<std::string>{"a", "b"})
        .set_expires_at(NumericDate(seconds(100)))
        .set_not_before(NumericDate(seconds(50)))
        .set_issued_at(NumericDate(seconds(40)))
        .set("scope", "read")
        .set("n", json::value(3));
    EXPECT_EQ(c.json().at("aud"), (json::array{"a", "b"}));
    EXPECT_EQ(c.json().at("exp"), json::value(100));
    EXPECT_TRUE(c.json().at("exp").is_int64());
    EXPECT_EQ(c.get_string("scope"), "read");
    c.set_audience("single");
    EXPECT_EQ(c.json().at("aud"), json::value("single"));
    c.erase("scope");
    EXPECT_FALSE(c.contains("scope"));
    auto again = Claims::parse(c.to_json_string());
    ASSERT_TRUE(again);
    EXPECT_EQ(again->json(), c.json());
}

TEST(Claims, ParseRejectsWhatTheStrictParserRejects) {
    EXPECT_EQ(Claims::parse(R"({"a":1,"a":2})").code(), Errc::duplicate_member);
    EXPECT_EQ(Claims::parse("[]").code(), Errc::bad_json);
    EXPECT_EQ(Claims::parse(R"({"a":{"b":{}}})", 2).code(), Errc::json_too_deep);
}

// ---------------------------------------------------------------------------------------------
// exp, nbf, iat types

TEST(ClaimRules, TimeClaimsMustBeNumbers) {
    for (const char* name : {"exp", "nbf", "iat"}) {
        for (const char* value :
             {"\"1700000100\"", "true", "false", "null", "[1700000100]", "{\"t\":1700000100}"}) {
            const std::string text = "{\"" + std::string(name) + "\":" + value + "}";
            EXPECT_EQ(check(text), Errc::bad_claim_type) << text;
        }
    }
}

TEST(ClaimRules, IatTypeIsCheckedEvenWithoutMaxAge) {
    EXPECT_EQ(check(R"({"iat":"yesterday"})"), Errc::bad_claim_type);
}

// ---------------------------------------------------------------------------------------------
// exp

TEST(ClaimRules, ExpiresExactlyAtExp) {
    // RFC 7519 §4.1.4: the current time must be before exp.
    EXPECT_EQ(check(with("exp", kNow)), Errc::expired);
    EXPECT_EQ(check(with("exp", kNow + 1)), Errc::ok);
    EXPECT_EQ(check(with("exp", kNow - 1)), Errc::expired);
}

TEST(ClaimRules, ExpUsesSubSecondTime) {
    const Claims c = claims(with("exp", kNow));
    EXPECT_EQ(validate_claims(c, {}, at_seconds(kNow) - std::chrono::milliseconds(1)).code(),
              Errc::ok);
    EXPECT_EQ(check(R"({"exp":1700000000.5})", {}, kNow), Errc::ok);
    EXPECT_EQ(validate_claims(claims(R"({"exp":1700000000.5})"), {},
                              at_seconds(kNow) + std::chrono::milliseconds(500))
                  .code(),
              Errc::expired);
}

TEST(ClaimRules, ExpLeewayBoundaryBothSides) {
    const VerifierOptions o = leeway(30);
    EXPECT_EQ(check(with("exp", kNow - 29), o), Errc::ok);
    EXPECT_EQ(check(with("exp", kNow - 30), o), Errc::expired);
    EXPECT_EQ(check(with("exp", kNow - 31), o), Errc::expired);
}

TEST(ClaimRules, ExpHugeAndNegativeValues) {
    EXPECT_EQ(check(R"({"exp":1e300})"), Errc::ok);
    EXPECT_EQ(check(R"({"exp":18446744073709551615})"), Errc::ok);
    EXPECT_EQ(check(R"({"exp":-1})"), Errc::expired);
    EXPECT_EQ(check(R"({"exp":-9223372036854775808})"), Errc::expired);
    EXPECT_EQ(check(R"({"exp":-1e300})"), Errc::expired);
    EXPECT_EQ(check(R"({"exp":0})"), Errc::expired);
}

// ---------------------------------------------------------------------------------------------
// nbf

TEST(ClaimRules, NotBeforeBoundary) {
    // RFC 7519 §4.1.5: valid on or after nbf.
    EXPECT_EQ(check(with("nbf", kNow)), Errc::ok);
    EXPECT_EQ(check(with("nbf", kNow - 1)), Errc::ok);
    EXPECT_EQ(check(with("nbf", kNow + 1)), Errc::not_yet_valid);
}

TEST(ClaimRules, NotBeforeLeewayBoundaryBothSides) {
    const VerifierOptions o = leeway(30);
    EXPECT_EQ(check(with("nbf", kNow + 30), o), Errc::ok);
    EXPECT_EQ(check(with("nbf", kNow + 31), o), Errc::not_yet_valid);
}

TEST(ClaimRules, NotBeforeHugeAndNegativeValues) {
    EXPECT_EQ(check(R"({"nbf":1e300})"), Errc::not_yet_valid);
    EXPECT_EQ(check(R"({"nbf":18446744073709551615})"), Errc::not_yet_valid);
    EXPECT_EQ(check(R"({"nbf":-1e300})"), Errc::ok);
    EXPECT_EQ(check(R"({"nbf":-5})"), Errc::ok);
}

// ---------------------------------------------------------------------------------------------
// iat and max_age

TEST(ClaimRules, MaxAgeRequiresIat) {
    VerifierOptions o;
    o.max_age = seconds(300);
    EXPECT_EQ(check(R"({"sub":"x"})", o), Errc::missing_claim);
    EXPECT_EQ(check(with("iat", kNow), o), Errc::ok);
}

TEST(ClaimRules, MaxAgeRefusesIatInTheFuture) {
    VerifierOptions o;
    o.max_age = seconds(300);
    EXPECT_EQ(check(with("iat", kNow + 1), o), Errc::issued_in_future);
    EXPECT_EQ(check(R"({"iat":1e300})", o), Errc::issued_in_future);
    o.leeway = seconds(10);
    EXPECT_EQ(check(with("iat", kNow + 10), o), Errc::ok);
    EXPECT_EQ(check(with("iat", kNow + 11), o), Errc::issued_in_future);
}

TEST(ClaimRules, MaxAgeRefusesOldTokens) {
    VerifierOptions o;
    o.max_age = seconds(300);
    EXPECT_EQ(check(with("iat", kNow - 300), o), Errc::ok);
    EXPECT_EQ(check(with("iat", kNow - 301), o), Errc::token_too_old);
    EXPECT_EQ(check(R"({"iat":-1e300})", o), Errc::token_too_old);
    o.leeway = seconds(10);
    EXPECT_EQ(check(with("iat", kNow - 310), o), Errc::ok);
    EXPECT_EQ(check(with("iat", kNow - 311), o), Errc::token_too_old);
}

TEST(ClaimRules, IatIsNotCheckedWithoutMaxAge) {
    EXPECT_EQ(check(with("iat", kNow + 100000)), Errc::ok);
}

// ---------------------------------------------------------------------------------------------
// iss

VerifierOptions issuers(std::vector<std::string> iss) {
    VerifierOptions o;
    o.issuers = std::move(iss);
    return o;
}

TEST(ClaimRules, IssuerMustMatchExactly) {
    const VerifierOptions o = issuers({"https://issuer.example"});
    EXPECT_EQ(check(R"({"iss":"https://issuer.example"})", o), Errc::ok);
    for (const char* iss :
         {"https://issuer.example/", "https://issuer.exampl", "https://issuer.example.evil",
          "HTTPS://ISSUER.EXAMPLE", "https://Issuer.example", " https://issuer.example",
          "https://issuer.example ", "", "http://issuer.example"}) {
        const std::string text = R"({"iss":")" + std::string(iss) + "\"}";
        EXPECT_EQ(check(text, o), Errc::bad_issuer) << iss;
    }
    EXPECT_EQ(check(std::string("{\"iss\":\"https://issuer.example\\u0000\"}"), o),
              Errc::bad_issuer);
}

TEST(ClaimRules, AcceptsAnyOfSeveralIssuers) {
    const VerifierOptions o = issuers({"https://a.example", "https://b.example"});
    EXPECT_EQ(check(R"({"iss":"https://a.example"})", o), Errc::ok);
    EXPECT_EQ(check(R"({"iss":"https://b.example"})", o), Errc::ok);
    EXPECT_EQ(check(R"({"iss":"https://c.example"})", o), Errc::bad_issuer);
}

TEST(ClaimRules, MissingIssuerIsMissingClaim) {
    EXPECT_EQ(check(R"({"sub":"x"})", issuers({"https://issuer.example"})), Errc::missing_claim);
}

TEST(ClaimRules, NonStringIssuerSubjectOrIdIsBadClaimType) {
    for (const char* name : {"iss", "sub", "jti"}) {
        for (const char* value : {"1", "true", "null", "[\"a\"]", "{}"}) {
            const std::string text = "{\"" + std::string(name) + "\":" + value + "}";
            EXPECT_EQ(check(text), Errc::bad_claim_type) << text;
        }
    }
    EXPECT_EQ(check(R"({"iss":["https://issuer.example"]})", issuers({"https://issuer.example"})),
              Errc::bad_claim_type);
}

TEST(ClaimRules, IssuerIsNotCheckedWhenNoneConfigured) {
    EXPECT_EQ(check(R"({"iss":"anyone"})"), Errc::ok);
    EXPECT_EQ(check(R"({})"), Errc::ok);
}

// ---------------------------------------------------------------------------------------------
// aud

VerifierOptions audiences(std::vector<std::string> aud) {
    VerifierOptions o;
    o.audiences = std::move(aud);
    return o;
}

TEST(ClaimRules, AudienceStringMustMatchExactly) {
    const VerifierOptions o = audiences({"api"});
    EXPECT_EQ(check(R"({"aud":"api"})", o), Errc::ok);
    for (const char* aud : {"api2", "ap", "API", "api ", "xapi", ""}) {
        EXPECT_EQ(check(R"({"aud":")" + std::string(aud) + "\"}", o), Errc::bad_audience) << aud;
    }
}

TEST(ClaimRules, AudienceArrayMustContainAnAcceptedValue) {
    const VerifierOptions o = audiences({"api"});
    EXPECT_EQ(check(R"({"aud":["other","api"]})", o), Errc::ok);
    EXPECT_EQ(check(R"({"aud":["api"]})", o), Errc::ok);
    EXPECT_EQ(check(R"({"aud":["ap","api2","API"]})", o), Errc::bad_audience);
    EXPECT_EQ(check(R"({"aud":["api,other"]})", o), Errc::bad_audience);
}

TEST(ClaimRules, AudienceArrayWithNonStringIsBadClaimType) {
    EXPECT_EQ(check(R"({"aud":["api",1]})", audiences({"api"})), Errc::bad_claim_type);
    EXPECT_EQ(check(R"({"aud":["api",null]})", audiences({"api"})), Errc::bad_claim_type);
    EXPECT_EQ(check(R"({"aud":[["api"]]})", audiences({"api"})), Errc::bad_claim_type);
    // Type-checked even when no audience is configured.
    EXPECT_EQ(check(R"({"aud":[1]})"), Errc::bad_claim_type);
}

TEST(ClaimRules, AudienceOfWrongTypeIsBadClaimType) {
    for (const char* value : {"1", "true", "null", "{\"aud\":\"api\"}"}) {
        EXPECT_EQ(check("{\"aud\":" + std::string(value) + "}", audiences({"api"})),
                  Errc::bad_claim_type)
            << value;
    }
}

TEST(ClaimRules, EmptyAudienceArrayIsBadAudience) {
    EXPECT_EQ(check(R"({"aud":[]})", audiences({"api"})), Errc::bad_audience);
}

TEST(ClaimRules, MissingAudienceIsMissingClaim) {
    EXPECT_EQ(check(R"({"sub":"x"})", audiences({"api"})), Errc::missing_claim);
}

TEST(ClaimRules, AcceptsAnyOfSeveralAudiences) {
    const VerifierOptions o = audiences({"api", "admin"});
    EXPECT_EQ(check(R"({"aud":"admin"})", o), Errc::ok);
    EXPECT_EQ(check(R"({"aud":["x","api"]})", o), Errc::ok);
    EXPECT_EQ(check(R"({"aud":["x","y"]})", o), Errc::bad_audience);
}

TEST(ClaimRules, AudienceIsNotCheckedWhenNoneConfigured) {
    EXPECT_EQ(check(R"({"aud":"anything"})"), Errc::ok);
    EXPECT_EQ(check(R"({"aud":[]})"), Errc::ok);
}

// ---------------------------------------------------------------------------------------------
// Required claims

TEST(ClaimRules, RequiredClaimsMustBePresent) {
    VerifierOptions o;
    o.required_claims = {"sub", "jti", "scope"};
    EXPECT_EQ(check(R"({"sub":"a","jti":"b","scope":"c"})", o), Errc::ok);
    EXPECT_EQ(check(R"({"sub":"a","jti":"b"})", o), Errc::missing_claim);
    EXPECT_EQ(check(R"({"jti":"b","scope":"c"})", o), Errc::missing_claim);
    // Present with a null value still counts as present.
    EXPECT_EQ(check(R"({"sub":"a","jti":"b","scope":null})", o), Errc::ok);
}

TEST(ClaimRules, RequiredExpMustBePresent) {
    VerifierOptions o;
    o.required_claims = {"exp"};
    EXPECT_EQ(check(R"({"sub":"a"})", o), Errc::missing_claim);
    EXPECT_EQ(check(with("exp", kNow + 60), o), Errc::ok);
}

TEST(ClaimRules, ErrorMessagesNameTheClaim) {
    VerifierOptions o;
    o.required_claims = {"scope"};
    auto r = validate_claims(claims("{}"), o, at_seconds(kNow));
    EXPECT_NE(r.error().message().find("scope"), std::string::npos) << r.error().message();
    auto t = validate_claims(claims(R"({"nbf":"soon"})"), {}, at_seconds(kNow));
    EXPECT_NE(t.error().message().find("nbf"), std::string::npos) << t.error().message();
}

}  // namespace
}  // namespace signet
