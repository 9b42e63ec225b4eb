// CSRF verdicts: same origin, double submit, foreign origins.
#include "server/auth/csrf.hpp"

#include <gtest/gtest.h>

namespace signet::server {
namespace {

http::Request post(std::initializer_list<std::pair<std::string, std::string>> headers) {
    http::Request request(http::Verb::post, "/v1/password", 11);
    for (const auto& [name, value] : headers)
        request.insert(name, value);
    return request;
}

constexpr std::string_view kCsrfCookie = "signet_csrf";

TEST(OriginOf, KeepsSchemeHostAndNonDefaultPort) {
    EXPECT_EQ(origin_of("https://Auth.Example.com/path?q"), "https://auth.example.com");
    EXPECT_EQ(origin_of("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
    EXPECT_EQ(origin_of("http://example.com:80/"), "http://example.com");
    EXPECT_EQ(origin_of("https://example.com:443"), "https://example.com");
    EXPECT_EQ(origin_of("null"), "");
    EXPECT_EQ(origin_of("https://"), "");
}

TEST(CheckCsrf, AcceptsTheIssuersOrigin) {
    EXPECT_EQ(check_csrf(post({{"Origin", "http://127.0.0.1:8080"}}), "http://127.0.0.1:8080",
                         kCsrfCookie),
              CsrfVerdict::same_origin);
    EXPECT_EQ(check_csrf(post({{"Referer", "http://127.0.0.1:8080/page"}}), "http://127.0.0.1:8080",
                         kCsrfCookie),
              CsrfVerdict::same_origin);
}

TEST(CheckCsrf, RefusesAForeignOriginEvenWithAToken) {
    EXPECT_EQ(check_csrf(post({{"Origin", "https://evil.example"},
                               {"Cookie", "signet_csrf=abc"},
                               {"X-CSRF-Token", "abc"}}),
                         "http://127.0.0.1:8080", kCsrfCookie),
              CsrfVerdict::foreign_origin);
    EXPECT_EQ(check_csrf(post({{"Origin", "null"}}), "http://127.0.0.1:8080", kCsrfCookie),
              CsrfVerdict::foreign_origin);
    // A port is part of the origin.
    EXPECT_EQ(check_csrf(post({{"Origin", "http://127.0.0.1:8081"}}), "http://127.0.0.1:8080",
                         kCsrfCookie),
              CsrfVerdict::foreign_origin);
}

TEST(CheckCsrf, AcceptsAMatchingDoubleSubmitToken) {
    EXPECT_EQ(check_csrf(post({{"Cookie", "a=1; signet_csrf=tok123"}, {"X-CSRF-Token", "tok123"}}),
                         "http://127.0.0.1:8080", kCsrfCookie),
              CsrfVerdict::token_matches);
}

TEST(CheckCsrf, WantsEvidence) {
    const std::string issuer = "http://127.0.0.1:8080";
    EXPECT_EQ(check_csrf(post({}), issuer, kCsrfCookie), CsrfVerdict::no_evidence);
    EXPECT_EQ(check_csrf(post({{"Cookie", "signet_csrf=tok123"}, {"X-CSRF-Token", "tok124"}}),
                         issuer, kCsrfCookie),
              CsrfVerdict::no_evidence);
    EXPECT_EQ(check_csrf(post({{"X-CSRF-Token", "tok123"}}), issuer, kCsrfCookie),
              CsrfVerdict::no_evidence);
    EXPECT_EQ(
        check_csrf(post({{"Cookie", "signet_csrf="}, {"X-CSRF-Token", ""}}), issuer, kCsrfCookie),
        CsrfVerdict::no_evidence);
    EXPECT_EQ(check_csrf(post({{"Referer", "https://evil.example/"}}), issuer, kCsrfCookie),
              CsrfVerdict::no_evidence);
}

// Under Secure cookies the CSRF cookie is "__Host-signet_csrf"; a plain "signet_csrf", which a
// sibling subdomain or a plain-HTTP page could plant, is not the one compared.
TEST(CheckCsrf, ComparesOnlyTheCookieOfTheGivenName) {
    const std::string issuer = "https://auth.example";
    EXPECT_EQ(check_csrf(post({{"Cookie", "signet_csrf=tok123"}, {"X-CSRF-Token", "tok123"}}),
                         issuer, "__Host-signet_csrf"),
              CsrfVerdict::no_evidence);
    EXPECT_EQ(check_csrf(post({{"Cookie", "signet_csrf=x; __Host-signet_csrf=tok123"},
                               {"X-CSRF-Token", "tok123"}}),
                         issuer, "__Host-signet_csrf"),
              CsrfVerdict::token_matches);
}

}  // namespace
}  // namespace signet::server
