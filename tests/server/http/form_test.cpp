// Form and query parameters (RFC 6749 Appendix B, §3.1) and redirect locations.
#include "server/http/form.hpp"

#include <gtest/gtest.h>

namespace signet::server::http {
namespace {

FormParams parsed(std::string_view text) {
    auto result = parse_form(text);
    EXPECT_TRUE(std::holds_alternative<FormParams>(result)) << text;
    if (auto* params = std::get_if<FormParams>(&result)) return *params;
    return {};
}

TEST(ParseForm, DecodesPercentEscapesAndPlusAsSpace) {
    const FormParams params =
        parsed("scope=openid+email&redirect_uri=https%3A%2F%2Fa.example%2Fcb");
    EXPECT_EQ(params.find("scope").value_or(""), "openid email");
    EXPECT_EQ(params.find("redirect_uri").value_or(""), "https://a.example/cb");
    EXPECT_FALSE(params.find("state"));
}

TEST(ParseForm, AParameterWithoutAValueIsOmitted) {
    const FormParams params = parsed("state=&nonce&code=abc");
    EXPECT_FALSE(params.find("state"));
    EXPECT_FALSE(params.find("nonce"));
    EXPECT_EQ(params.find("code").value_or(""), "abc");
    // Empty, so a second one with a value is not a repeat.
    EXPECT_EQ(parsed("state=&state=x").find("state").value_or(""), "x");
}

TEST(ParseForm, ARepeatedParameterIsRefusedAndNamed) {
    auto result = parse_form("client_id=a&client_id=b");
    ASSERT_TRUE(std::holds_alternative<FormError>(result));
    EXPECT_NE(std::get<FormError>(result).description.find("client_id"), std::string::npos);
}

TEST(ParseForm, MalformedEscapesAndTooManyParametersAreRefused) {
    EXPECT_TRUE(std::holds_alternative<FormError>(parse_form("a=%zz")));
    EXPECT_TRUE(std::holds_alternative<FormError>(parse_form("a=%4")));
    std::string many;
    for (int i = 0; i < 65; ++i)
        many += "p" + std::to_string(i) + "=1&";
    EXPECT_TRUE(std::holds_alternative<FormError>(parse_form(many)));
    EXPECT_TRUE(std::holds_alternative<FormParams>(parse_form(many, 100)));
}

TEST(ParseForm, TheLastValueOfAViewIntoALongerBufferEndsAtTheView) {
    // A request target is not NUL-terminated: what follows the query must not leak into it.
    const std::string target = "a=1&code_challenge_method=S256e";
    const FormParams params = parsed(std::string_view(target).substr(0, target.size() - 1));
    EXPECT_EQ(params.find("code_challenge_method").value_or(""), "S256");
}

TEST(FormDecode, DecodesEscapesAndPlusAndRefusesTruncatedOnes) {
    EXPECT_EQ(form_decode("a+b%2Bc%3a").value_or("?"), "a b+c:");
    EXPECT_FALSE(form_decode("abc%"));
    EXPECT_FALSE(form_decode("abc%4"));
    EXPECT_FALSE(form_decode("%g0"));
}

TEST(WithQuery, EncodesValuesAndKeepsTheRedirectUrisOwnQuery) {
    EXPECT_EQ(with_query("https://a.example/cb", {{"code", "x y&z"}, {"state", "s/1"}}),
              "https://a.example/cb?code=x%20y%26z&state=s%2F1");
    EXPECT_EQ(with_query("https://a.example/cb?tenant=7", {{"code", "c"}}),
              "https://a.example/cb?tenant=7&code=c");
}

TEST(RequestQuery, IsTheTargetAfterTheQuestionMark) {
    Request request{Verb::get, "/oauth2/authorize?client_id=a&x=1", 11};
    EXPECT_EQ(request_query(request), "client_id=a&x=1");
    Request bare{Verb::get, "/oauth2/authorize", 11};
    EXPECT_EQ(request_query(bare), "");
}

TEST(HasFormBody, MatchesTheMediaTypeCaseInsensitivelyWithParameters) {
    Request request{Verb::post, "/oauth2/token", 11};
    EXPECT_FALSE(has_form_body(request));
    request.set(boost::beast::http::field::content_type,
                "Application/X-WWW-Form-Urlencoded; charset=UTF-8");
    EXPECT_TRUE(has_form_body(request));
    request.set(boost::beast::http::field::content_type, "application/json");
    EXPECT_FALSE(has_form_body(request));
}

}  // namespace
}  // namespace signet::server::http
