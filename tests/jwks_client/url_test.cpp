// The URLs the remote key source accepts, and where discovery looks for an issuer's metadata
// (OpenID Connect Discovery 1.0 §4, RFC 8414 §3.1).
#include "jwks_client/url.hpp"

#include <gtest/gtest.h>

#include "jwks_client/discovery.hpp"

namespace signet::jwks_client {
namespace {

TEST(HttpUrl, ParsesHttpsWithDefaultAndExplicitPorts) {
    auto u = parse_http_url("https://id.example.com/keys?v=2", false, "the jwks_uri");
    ASSERT_TRUE(u) << u.error().to_string();
    EXPECT_TRUE(u->tls);
    EXPECT_EQ(u->host, "id.example.com");
    EXPECT_EQ(u->port, "443");
    EXPECT_EQ(u->target, "/keys?v=2");
    auto v = parse_http_url("https://[::1]:8443", false, "the issuer");
    ASSERT_TRUE(v) << v.error().to_string();
    EXPECT_EQ(v->host, "::1");
    EXPECT_EQ(v->port, "8443");
    EXPECT_EQ(v->target, "/");
}

// Found by fuzz_jwks_documents: "host:" parsed to an empty port, which no resolver takes.
TEST(HttpUrl, AnEmptyPortIsTheDefaultAndAPortOutOfRangeIsRefused) {
    auto u = parse_http_url("https://id.example.com:/keys", false, "the jwks_uri");
    ASSERT_TRUE(u) << u.error().to_string();
    EXPECT_EQ(u->port, "443");
    for (const char* bad : {"https://id.example.com:0/", "https://id.example.com:65536/",
                            "https://id.example.com:123456/", "https://id.example.com:p/keys"}) {
        EXPECT_EQ(parse_http_url(bad, false, "the jwks_uri").code(), Errc::invalid_argument) << bad;
    }
}

TEST(HttpUrl, PlainHttpOnlyWhenAllowed) {
    EXPECT_EQ(parse_http_url("http://127.0.0.1:8080/jwks", false, "the jwks_uri").code(),
              Errc::invalid_argument);
    auto u = parse_http_url("http://127.0.0.1:8080/jwks", true, "the jwks_uri");
    ASSERT_TRUE(u);
    EXPECT_FALSE(u->tls);
    EXPECT_EQ(u->port, "8080");
}

TEST(HttpUrl, RefusesWhatIsNotAPlainAbsoluteHttpUrl) {
    for (const char* bad :
         {"", "id.example.com/keys", "/jwks", "ftp://id.example.com/", "file:///etc/passwd",
          "https://user:pw@id.example.com/", "https://id.example.com/#frag", "https:///nohost",
          "https://exa mple"}) {
        const auto u = parse_http_url(bad, true, "the jwks_uri");
        EXPECT_FALSE(u) << bad;
        if (!u) {
            EXPECT_EQ(u.code(), Errc::invalid_argument) << bad;
            EXPECT_NE(u.error().message().find("the jwks_uri"), std::string::npos) << bad;
        }
    }
}

TEST(HttpUrl, RedirectsResolveAndNeverDowngrade) {
    const HttpUrl base = parse_http_url("https://id.example.com/a/jwks", false, "x").value();
    auto relative = resolve_http_url(base, "../keys.json", false);
    ASSERT_TRUE(relative) << relative.error().to_string();
    EXPECT_EQ(relative->text, "https://id.example.com/keys.json");
    EXPECT_EQ(resolve_http_url(base, "http://id.example.com/keys", true).code(),
              Errc::fetch_failed);
    const HttpUrl plain = parse_http_url("http://127.0.0.1/a", true, "x").value();
    EXPECT_TRUE(resolve_http_url(plain, "https://127.0.0.1/b", true));
}

TEST(Discovery, MetadataUrlsForIssuersWithAndWithoutAPath) {
    const HttpUrl plain = parse_http_url("https://id.example.com", false, "x").value();
    EXPECT_EQ(metadata_urls(plain),
              (std::vector<std::string>{"https://id.example.com/.well-known/openid-configuration",
                                        "https://id.example.com/.well-known/"
                                        "oauth-authorization-server"}));
    const HttpUrl tenant = parse_http_url("https://id.example.com/tenant1/", false, "x").value();
    EXPECT_EQ(metadata_urls(tenant),
              (std::vector<std::string>{
                  "https://id.example.com/tenant1/.well-known/openid-configuration",
                  "https://id.example.com/.well-known/oauth-authorization-server/tenant1"}));
}

}  // namespace
}  // namespace signet::jwks_client
