// ClaimsView (include/signet/claims_view.hpp): the flat index and the tree fallback read the
// same claims; the view owns its bytes; Verifier::verify(token, view) applies every claim rule
// the Claims path applies, including to names written with escapes.
#include <gtest/gtest.h>

#include <boost/json.hpp>
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
using testing::make_token;
using testing::public_of;
using testing::test_key;

constexpr std::string_view kFlat =
    R"({"iss":"https://issuer.example","sub":"alice","aud":["api","web"],"iat":1700000000,)"
    R"("exp":1700000300,"admin":true,"tenant":null,"scope":"read write"})";

TEST(ClaimsView, ReadsAFlatClaimsSetWithoutATree) {
    auto view = ClaimsView::parse(kFlat);
    ASSERT_TRUE(view) << view.error().to_string();
    EXPECT_EQ(view->tree(), nullptr);
    EXPECT_EQ(view->size(), 8u);
    EXPECT_EQ(view->json_text(), kFlat);
    EXPECT_EQ(view->issuer(), "https://issuer.example");
    EXPECT_EQ(view->subject(), "alice");
    EXPECT_EQ(view->get_int("iat"), 1700000000);
    EXPECT_EQ(view->get_number("exp"), 1700000300.0);
    EXPECT_EQ(view->expires_at(), NumericDate(std::chrono::seconds(1700000300)));
    EXPECT_EQ(view->get_bool("admin"), true);
    EXPECT_TRUE(view->contains("tenant"));
    EXPECT_FALSE(view->contains("tenan"));
    EXPECT_EQ(view->get_string("scope"), "read write");
    // Typed getters refuse other types.
    EXPECT_FALSE(view->get_string("iat"));
    EXPECT_FALSE(view->get_int("sub"));
    EXPECT_FALSE(view->get_bool("tenant"));
    EXPECT_FALSE(view->get_string("aud"));
    EXPECT_FALSE(view->jwt_id());
    EXPECT_TRUE(view->has_string("aud", "web"));
    EXPECT_FALSE(view->has_string("aud", "we"));
    EXPECT_TRUE(view->has_string("sub", "alice"));
    std::vector<std::string> aud;
    EXPECT_TRUE(view->for_each_string("aud", [&](std::string_view a) { aud.emplace_back(a); }));
    EXPECT_EQ(aud, (std::vector<std::string>{"api", "web"}));
    EXPECT_FALSE(view->for_each_string("iat", [](std::string_view) { FAIL(); }));
    EXPECT_EQ(view->get_json("aud"), json::value(json::array{"api", "web"}));
    EXPECT_EQ(view->to_claims().json(), json::parse(kFlat).as_object());
}

TEST(ClaimsView, HoldsATreeForEveryOtherClaimsSet) {
    const std::vector<std::string> inputs = {
        R"({"sub":"alice","address":{"country":"FR"}})",  // nested object
        R"({"sub":"al\"ice"})",                           // escape
        R"({"name":"José"})",                             // UTF-8
        R"({"exp":1700000300.5})",                        // fraction
        R"({"roles":[1,2]})",                             // array of numbers
    };
    for (const std::string& input : inputs) {
        auto view = ClaimsView::parse(input);
        ASSERT_TRUE(view) << input;
        EXPECT_NE(view->tree(), nullptr) << input;
        EXPECT_EQ(view->to_claims().json(), json::parse(input).as_object()) << input;
    }
    auto view = ClaimsView::parse(R"({"sub":"al\"ice","aud":["a","b"],"exp":1.5e9})");
    ASSERT_TRUE(view);
    EXPECT_EQ(view->subject(), "al\"ice");
    EXPECT_TRUE(view->has_string("aud", "b"));
    EXPECT_EQ(view->expires_at(), NumericDate(std::chrono::seconds(1500000000)));
}

TEST(ClaimsView, RefusesWhatTheStrictParserRefuses) {
    EXPECT_EQ(ClaimsView::parse(R"({"a":1,"a":2})").code(), Errc::duplicate_member);
    EXPECT_EQ(ClaimsView::parse(R"({"a":"x","a":"y"})").code(), Errc::duplicate_member);
    EXPECT_EQ(ClaimsView::parse(R"({"a":{"b":{"c":1}}})", 2).code(), Errc::json_too_deep);
    EXPECT_EQ(ClaimsView::parse("[1]").code(), Errc::bad_json);
    EXPECT_EQ(ClaimsView::parse("{\"a\":\"\xff\"}").code(),
              ClaimsView::parse("{\"a\":\"\xff\"}").code());
    EXPECT_FALSE(ClaimsView::parse("{\"a\":\"\xff\"}"));
}

TEST(ClaimsView, OwnsItsBytesAcrossCopiesMovesAndLargePayloads) {
    std::string big = R"({"sub":"alice","blob":")" + std::string(3000, 'x') + R"("})";
    for (const std::string& input : {std::string(kFlat), big}) {
        std::string text = input;
        auto parsed = ClaimsView::parse(text);
        ASSERT_TRUE(parsed);
        text.assign(text.size(), '#');  // the source is gone
        ClaimsView copy = *parsed;
        ClaimsView moved = std::move(*parsed);
        parsed->clear();
        for (const ClaimsView* v : {&copy, &moved}) {
            EXPECT_EQ(v->subject(), "alice");
            EXPECT_EQ(v->json_text(), input);
        }
        ClaimsView assigned;
        assigned = copy;
        copy.clear();
        EXPECT_EQ(assigned.subject(), "alice");
        EXPECT_EQ(copy.size(), 0u);
        EXPECT_EQ(copy.json_text(), "{}");
    }
}

TEST(ClaimsView, MoreMembersThanTheIndexHoldsFallBackToTheTree) {
    json::object many;
    for (std::size_t i = 0; i <= ClaimsView::kMaxIndexedMembers; ++i)
        many["c" + std::to_string(i)] = static_cast<std::int64_t>(i);
    auto view = ClaimsView::parse(json::serialize(many));
    ASSERT_TRUE(view);
    EXPECT_NE(view->tree(), nullptr);
    EXPECT_EQ(view->get_int("c32"), 32);
    EXPECT_EQ(view->size(), ClaimsView::kMaxIndexedMembers + 1);
}

class ClaimsViewVerify : public ::testing::Test {
  protected:
    static const Jwk& key() { return test_key(Algorithm::HS256); }
    std::string token(std::string_view payload) const {
        return make_token(R"({"alg":"HS256","typ":"JWT"})", payload, key(), Algorithm::HS256);
    }
    Verifier verifier() const {
        VerifierOptions o;
        o.keys = key_set({key()});
        o.algorithms = {Algorithm::HS256};
        o.issuers = {"https://issuer.example"};
        o.audiences = {"api"};
        o.clock = fixed_clock(kNow + 100);
        o.required_claims = {"sub"};
        return Verifier::create(std::move(o)).value();
    }
};

TEST_F(ClaimsViewVerify, ReusesOneViewAndEmptiesItOnFailure) {
    const Verifier v = verifier();
    ClaimsView view;
    ASSERT_TRUE(v.verify(token(kFlat), view));
    EXPECT_EQ(view.get_bool("admin"), true);
    ASSERT_TRUE(v.verify(
        token(R"({"iss":"https://issuer.example","sub":"bob","aud":"api","exp":1700000300})"),
        view));
    EXPECT_EQ(view.subject(), "bob");
    EXPECT_FALSE(view.contains("admin"));  // nothing of the first token is left
    EXPECT_EQ(v.verify(token(kFlat) + "!", view).code(), Errc::bad_base64);
    EXPECT_EQ(view.size(), 0u);
    auto owned = v.verify_view(token(kFlat));
    ASSERT_TRUE(owned);
    EXPECT_EQ(owned->subject(), "alice");
}

// The same rules on both paths, whether the view is flat or a tree: names are compared after
// unescaping, so "\u0065xp" is "exp" (RFC 8259 §7).
TEST_F(ClaimsViewVerify, AppliesEveryClaimRuleOnBothForms) {
    const Verifier v = verifier();
    const std::string base = R"("iss":"https://issuer.example","sub":"alice","aud":"api")";
    const std::vector<std::pair<std::string, Errc>> cases = {
        {"{" + base + R"(,"exp":1700000300})", Errc::ok},
        {"{" + base + R"(,"exp":1700000050})", Errc::expired},
        {"{" + base + R"(,"\u0065xp":1700000050})", Errc::expired},
        {"{" + base + R"(,"exp":1700000050.5})", Errc::expired},
        {"{" + base + R"(,"exp":"1700000300"})", Errc::bad_claim_type},
        {"{" + base + R"(,"exp":1700000300,"nbf":1700000200})", Errc::not_yet_valid},
        {"{" + base + R"(,"exp":1700000300,"nbf":true})", Errc::bad_claim_type},
        {R"({"iss":"https://other.example","sub":"alice","aud":"api"})", Errc::bad_issuer},
        {R"({"iss":"https://issuer.example","sub":"alice","aud":["web","api"]})", Errc::ok},
        {R"({"iss":"https://issuer.example","sub":"alice","aud":["web"]})", Errc::bad_audience},
        {R"({"iss":"https://issuer.example","sub":"alice","aud":["api",1]})", Errc::bad_claim_type},
        {R"({"iss":"https://issuer.example","sub":"alice"})", Errc::missing_claim},
        {R"({"iss":"https://issuer.example","aud":"api"})", Errc::missing_claim},
        {R"({"iss":"https://issuer.example","sub":7,"aud":"api"})", Errc::bad_claim_type},
        {R"({"iss":"https://issuer.example","sub":"alice","aud":"api","jti":null})",
         Errc::bad_claim_type},
        {R"({"iss":"https://issuer.example","sub":"alice","aud":"api","x":{"y":1}})", Errc::ok},
        {R"({"iss":"https://issuer.example","sub":"alice","aud":"api","sub":"bob"})",
         Errc::duplicate_member},
    };
    for (const auto& [payload, expected] : cases) {
        ClaimsView view;
        EXPECT_EQ(v.verify(token(payload), view).code(), expected) << payload;
        EXPECT_EQ(v.verify(token(payload)).code(), expected) << payload;
        if (expected == Errc::ok) {
            EXPECT_EQ(view.subject(), "alice") << payload;
        }
    }
}

}  // namespace
}  // namespace signet
