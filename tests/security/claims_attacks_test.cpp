// Attacks on claim validation: NumericDate claims of the wrong JSON type or of extreme values
// (which loosely typed or overflowing comparisons get wrong), and audience values built to pass
// a substring, prefix or array check that is not an exact membership test.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "security/security_support.hpp"

namespace signet::security {
namespace {

constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";

std::string hs_token(std::string_view payload) {
    return signed_token(kHeader, payload, signing_key(Algorithm::HS256), Algorithm::HS256);
}

struct Case {
    std::string claims;  // members after {"sub":"alice",
    Errc expected;
};

void expect_claims(const Verifier& verifier, const std::vector<Case>& cases) {
    for (const auto& c : cases) {
        const std::string payload = R"({"sub":"alice",)" + c.claims + "}";
        SCOPED_TRACE(payload);
        const std::string token = hs_token(payload);
        EXPECT_VERIFIER(verifier, token, c.expected);
        // The claim rules on their own, without a signature, give the same answer (a payload
        // the parser refuses never reaches them).
        const auto parsed = Claims::parse(payload);
        if (!parsed) {
            EXPECT_EQ(parsed.code(), c.expected) << "Claims::parse: " << parsed.error().to_string();
            continue;
        }
        const auto r = validate_claims(*parsed, verifier.options(), verifier.options().clock());
        EXPECT_EQ(r.code(), c.expected) << "validate_claims: " << describe(r);
    }
}

// RFC 7519 §2 (NumericDate is a JSON number), §4.1.4-4.1.6: a date given as a string, boolean,
// null, array or object is a wrong type, never "absent" and never coerced ("1e10" as a string
// is not 10^10 seconds). Huge and negative values are compared as the numbers they are: a huge
// "nbf" must not wrap around into the past, a huge negative "exp" must not wrap into the future.
TEST(NumericClaims, WrongTypesRefusedAndExtremeValuesNeverWrapAround) {
    VerifierOptions options = verifier_options({signing_key(Algorithm::HS256)});
    options.max_age = std::chrono::hours(1);  // makes "iat" count
    const Verifier verifier = make_verifier(options);
    const std::vector<Case> cases = {
        // Wrong JSON types.
        {R"("exp":"1700000600")", Errc::bad_claim_type},
        {R"("exp":"1e10")", Errc::bad_claim_type},
        {R"("exp":true)", Errc::bad_claim_type},
        {R"("exp":false)", Errc::bad_claim_type},
        {R"("exp":null)", Errc::bad_claim_type},
        {R"("exp":[1700000600])", Errc::bad_claim_type},
        {R"("exp":{"$date":1700000600})", Errc::bad_claim_type},
        {R"("exp":"")", Errc::bad_claim_type},
        {R"("nbf":"0","exp":1700000600)", Errc::bad_claim_type},
        {R"("nbf":false,"exp":1700000600)", Errc::bad_claim_type},
        {R"("nbf":null,"exp":1700000600)", Errc::bad_claim_type},
        {R"("iat":"1699999990","exp":1700000600)", Errc::bad_claim_type},
        {R"("iat":true,"exp":1700000600)", Errc::bad_claim_type},
        {R"("iat":null,"exp":1700000600)", Errc::bad_claim_type},
        // Huge and negative values.
        {R"("iat":1699999990,"exp":1e308)", Errc::ok},        // far future: valid, not wrapped
        {R"("iat":1699999990,"exp":1e400)", Errc::bad_json},  // beyond double: not a number we keep
        {R"("iat":1699999990,"exp":18446744073709551615)", Errc::ok},
        {R"("iat":1699999990,"exp":99999999999999999999999999)", Errc::ok},
        {R"("exp":-1)", Errc::expired},
        {R"("exp":0)", Errc::expired},
        {R"("exp":-1e308)", Errc::expired},
        {R"("exp":-1e400)", Errc::bad_json},
        {R"("exp":0e400)", Errc::bad_json},  // Boost.JSON reads this as NaN
        {R"("exp":-9223372036854775808)", Errc::expired},
        {R"("exp":-99999999999999999999999999)", Errc::expired},
        {R"("exp":1700000000)", Errc::expired},  // exp == now is already expired (§4.1.4)
        {R"("nbf":1e308,"exp":1e308)", Errc::not_yet_valid},
        {R"("nbf":1e400,"exp":1e400)", Errc::bad_json},
        {R"("nbf":18446744073709551615,"exp":1e308)", Errc::not_yet_valid},
        {R"("nbf":9223372036854775807,"exp":1e308)", Errc::not_yet_valid},
        {R"("nbf":9223372036854775808,"exp":1e308)", Errc::not_yet_valid},
        {R"("iat":1e308,"exp":1e308)", Errc::issued_in_future},
        {R"("iat":18446744073709551615,"exp":1e308)", Errc::issued_in_future},
        {R"("iat":-1e308,"exp":1e308)", Errc::token_too_old},
        {R"("iat":-1,"exp":1e308)", Errc::token_too_old},
        {R"("nbf":-1e308,"iat":1699999990,"exp":1700000600)", Errc::ok},
        {R"("nbf":-1,"iat":1699999990,"exp":1700000600)", Errc::ok},
        // Control.
        {R"("iat":1699999990,"exp":1700000600)", Errc::ok},
    };
    expect_claims(verifier, cases);
    // Without a maximum age, "iat" is still type-checked.
    expect_claims(make_verifier({signing_key(Algorithm::HS256)}),
                  {{R"("iat":"now","exp":1700000600)", Errc::bad_claim_type},
                   {R"("iat":1699999990,"exp":1700000600)", Errc::ok}});
}

// RFC 7519 §4.1.3 and RFC 8725 §3.9: "aud" is a string or an array of strings, and the token
// is for us only when one of them equals an accepted audience exactly. Prefix, suffix,
// substring, case and whitespace variants fail; arrays are searched element by element, never
// flattened or stringified; malformed shapes are a type error, not a near miss.
TEST(Audience, PrefixSuffixAndArrayTricksRejected) {
    VerifierOptions options = verifier_options({signing_key(Algorithm::HS256)});
    options.audiences = {"api"};
    const Verifier verifier = make_verifier(options);
    const std::vector<Case> cases = {
        {R"("aud":"api.evil")", Errc::bad_audience},
        {R"("aud":"evil.api")", Errc::bad_audience},
        {R"("aud":"apix")", Errc::bad_audience},
        {R"("aud":"ap")", Errc::bad_audience},
        {R"("aud":"API")", Errc::bad_audience},
        {R"("aud":"api ")", Errc::bad_audience},
        {R"("aud":" api")", Errc::bad_audience},
        {R"("aud":"api\u0000")", Errc::bad_audience},
        {R"("aud":"api\u0000evil")", Errc::bad_audience},
        {R"("aud":"\"api\"")", Errc::bad_audience},
        {R"("aud":"api,evil")", Errc::bad_audience},
        {R"("aud":"[\"api\"]")", Errc::bad_audience},
        {R"("aud":"*")", Errc::bad_audience},
        {R"("aud":"")", Errc::bad_audience},
        {R"("aud":["evil","other"])", Errc::bad_audience},
        {R"("aud":["api.evil","evil.api"])", Errc::bad_audience},
        {R"("aud":[])", Errc::bad_audience},
        {R"("aud":[""])", Errc::bad_audience},
        {R"("aud":[["api"]])", Errc::bad_claim_type},
        {R"("aud":["evil",["api"]])", Errc::bad_claim_type},
        {R"("aud":["api",["evil"]])", Errc::bad_claim_type},
        {R"("aud":[null])", Errc::bad_claim_type},
        {R"("aud":["evil",null])", Errc::bad_claim_type},
        {R"("aud":["api",1])", Errc::bad_claim_type},
        {R"("aud":{"api":true})", Errc::bad_claim_type},
        {R"("aud":[{"aud":"api"}])", Errc::bad_claim_type},
        {R"("aud":true)", Errc::bad_claim_type},
        {R"("aud":null)", Errc::bad_claim_type},
        {R"("aud":1)", Errc::bad_claim_type},
        {R"("exp":1700000600)", Errc::missing_claim},
        // Controls: an exact string, or an array containing it.
        {R"("aud":"api")", Errc::ok},
        {R"("aud":["evil","api"])", Errc::ok},
        {R"("aud":["api"])", Errc::ok},
    };
    expect_claims(verifier, cases);
}

// RFC 7519 §4.1.1 and RFC 8725 §3.8: the issuer is compared exactly, like the audience.
TEST(Issuer, PrefixSuffixAndTypeTricksRejected) {
    VerifierOptions options = verifier_options({signing_key(Algorithm::HS256)});
    options.issuers = {"https://issuer.example"};
    const Verifier verifier = make_verifier(options);
    expect_claims(verifier, {{R"("iss":"https://issuer.example.evil")", Errc::bad_issuer},
                             {R"("iss":"https://issuer.example/")", Errc::bad_issuer},
                             {R"("iss":"https://issuer.example@evil.example")", Errc::bad_issuer},
                             {R"("iss":"https://ISSUER.example")", Errc::bad_issuer},
                             {R"("iss":"https://issuer.example\u0000")", Errc::bad_issuer},
                             {R"("iss":"")", Errc::bad_issuer},
                             {R"("iss":["https://issuer.example"])", Errc::bad_claim_type},
                             {R"("iss":{"url":"https://issuer.example"})", Errc::bad_claim_type},
                             {R"("iss":null)", Errc::bad_claim_type},
                             {R"("exp":1700000600)", Errc::missing_claim},
                             {R"("iss":"https://issuer.example")", Errc::ok}});
}

}  // namespace
}  // namespace signet::security
