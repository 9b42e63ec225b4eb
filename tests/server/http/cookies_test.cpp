// Cookie header parsing (RFC 6265 §5.4, §4.2.1), Set-Cookie construction, and the response helpers.
#include "server/http/cookies.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "server/http/response.hpp"

namespace signet::server::http {
namespace {

Request with_cookies(std::initializer_list<const char*> headers) {
    Request request{Verb::get, "/", 11};
    for (const char* header : headers)
        request.insert(boost::beast::http::field::cookie, header);
    return request;
}

TEST(Cookies, FindsASingleCookie) {
    const auto request = with_cookies({"signet_sid=abc"});
    EXPECT_EQ(find_cookie(request, "signet_sid"), "abc");
}

TEST(Cookies, SplitsOnSemicolonAndTrimsSpaces) {
    const auto request = with_cookies({"a=1;b=2;  signet_at = tok.en.sig  ; c=3"});
    EXPECT_EQ(find_cookie(request, "a"), "1");
    EXPECT_EQ(find_cookie(request, "b"), "2");
    EXPECT_EQ(find_cookie(request, "signet_at"), "tok.en.sig");
    EXPECT_EQ(find_cookie(request, "c"), "3");
}

TEST(Cookies, FirstMatchWins) {
    const auto request = with_cookies({"signet_sid=first; signet_sid=second"});
    EXPECT_EQ(find_cookie(request, "signet_sid"), "first");
}

TEST(Cookies, SearchesSeveralCookieHeadersInOrder) {
    const auto request = with_cookies({"a=1", "signet_csrf=x; a=2", "signet_csrf=y"});
    EXPECT_EQ(find_cookie(request, "signet_csrf"), "x");
    EXPECT_EQ(find_cookie(request, "a"), "1");
}

TEST(Cookies, NamesMatchExactly) {
    const auto request = with_cookies({"signet_sidx=1; xsignet_sid=2; SIGNET_SID=3"});
    EXPECT_FALSE(find_cookie(request, "signet_sid").has_value());
}

TEST(Cookies, ValueMayContainEqualsSigns) {
    const auto request = with_cookies({"t=YWJj==; u=a=b"});
    EXPECT_EQ(find_cookie(request, "t"), "YWJj==");
    EXPECT_EQ(find_cookie(request, "u"), "a=b");
}

TEST(Cookies, EmptyValueIsPresentButEmpty) {
    const auto request = with_cookies({"gone=; other=1"});
    const auto value = find_cookie(request, "gone");
    ASSERT_TRUE(value.has_value());
    EXPECT_TRUE(value->empty());
}

TEST(Cookies, SkipsPairsWithoutEqualsAndEmptyPieces) {
    const auto request = with_cookies({";; flag; ; x=1;"});
    EXPECT_FALSE(find_cookie(request, "flag").has_value());
    EXPECT_EQ(find_cookie(request, "x"), "1");
}

TEST(Cookies, StripsSurroundingDoubleQuotes) {
    const auto request = with_cookies({"q=\"quoted\"; lone=\""});
    EXPECT_EQ(find_cookie(request, "q"), "quoted");
    EXPECT_EQ(find_cookie(request, "lone"), "\"");
}

TEST(Cookies, MissingHeaderOrNameFindsNothing) {
    const Request none{Verb::get, "/", 11};
    EXPECT_FALSE(find_cookie(none, "a").has_value());
    const auto request = with_cookies({"a=1"});
    EXPECT_FALSE(find_cookie(request, "b").has_value());
    EXPECT_FALSE(find_cookie(request, "").has_value());
}

TEST(SetCookie, DefaultsAreHttpOnlyLaxRootPathSessionCookie) {
    EXPECT_EQ(set_cookie("signet_sid", "abc", {}),
              "signet_sid=abc; Path=/; HttpOnly; SameSite=Lax");
}

TEST(SetCookie, CarriesMaxAgeSecureAndCustomPath) {
    CookieOptions options;
    options.secure = true;
    options.max_age = 900;
    options.path = "/v1";
    EXPECT_EQ(set_cookie("signet_rt", "r", options),
              "signet_rt=r; Path=/v1; Max-Age=900; HttpOnly; SameSite=Lax; Secure");
}

TEST(SetCookie, MaxAgeZeroDeletesAndCsrfCookieIsReadableByScripts) {
    CookieOptions options;
    options.http_only = false;
    options.max_age = 0;
    options.same_site = "Strict";
    EXPECT_EQ(set_cookie("signet_csrf", "", options),
              "signet_csrf=; Path=/; Max-Age=0; SameSite=Strict");
}

TEST(Response, JsonResponseHasTypeNoStoreAndKeepAliveOfTheRequest) {
    Request request{Verb::get, "/", 10};  // HTTP/1.0 without keep-alive
    const auto response = json_response(request, Status::created, boost::json::object{{"a", 1}});
    EXPECT_EQ(response.result(), Status::created);
    EXPECT_EQ(response[boost::beast::http::field::content_type], "application/json");
    EXPECT_EQ(response[boost::beast::http::field::cache_control], "no-store");
    EXPECT_FALSE(response.keep_alive());
    EXPECT_EQ(response.body(), R"({"a":1})");
    EXPECT_EQ(response[boost::beast::http::field::content_length], "7");

    Request keep{Verb::get, "/", 11};
    EXPECT_TRUE(json_response(keep, Status::ok, nullptr).keep_alive());
}

TEST(Response, ErrorResponseEscapesItsFields) {
    Request request{Verb::post, "/", 11};
    const auto response =
        error_response(request, Status::bad_request, "invalid_request", "A \"quoted\"\nline.");
    const auto body = boost::json::parse(response.body()).as_object();
    EXPECT_EQ(body.at("error"), "invalid_request");
    EXPECT_EQ(body.at("error_description"), "A \"quoted\"\nline.");
    EXPECT_EQ(body.size(), 2u);
}

TEST(Response, EmptyResponseHasNoBody) {
    Request request{Verb::delete_, "/", 11};
    const auto response = empty_response(request, Status::no_content);
    EXPECT_EQ(response.result(), Status::no_content);
    EXPECT_TRUE(response.body().empty());
    EXPECT_EQ(response[boost::beast::http::field::cache_control], "no-store");
    EXPECT_TRUE(response.keep_alive());
}

}  // namespace
}  // namespace signet::server::http
