// The discovery and operations endpoints over real HTTP: JWKS (RFC 7517 §5), authorization server
// metadata (RFC 8414), /healthz, Prometheus /metrics, and the JSON request log on stderr.
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <sstream>
#include <string>
#include <thread>

#include "server/integration/api_support.hpp"

namespace signet::test {
namespace {

using WellKnown = SharedServerTest;

boost::json::object get_object(HttpClient& client, std::string_view target) {
    const HttpResult result = client.get(target);
    EXPECT_EQ(result.status, 200u) << describe(result);
    EXPECT_TRUE(result.header("content-type").find("json") != std::string::npos)
        << describe(result);
    const boost::json::value body = result.json();
    return body.is_object() ? body.get_object() : boost::json::object();
}

TEST_F(WellKnown, JwksPublishesTheTokensKidWithoutPrivateParts) {
    HttpClient c = client();
    const TestUser user = new_user(c, "jwks");
    const DecodedJwt jwt = decode_jwt(user.tokens.access_token);
    ASSERT_TRUE(jwt.header.contains("kid"));
    const boost::json::object jwks = get_object(c, "/.well-known/jwks.json");
    ASSERT_TRUE(jwks.contains("keys") && jwks.at("keys").is_array())
        << boost::json::serialize(jwks);
    bool found = false;
    for (const boost::json::value& key : jwks.at("keys").get_array()) {
        ASSERT_TRUE(key.is_object());
        const boost::json::object& k = key.get_object();
        EXPECT_FALSE(k.contains("d")) << "private key published: " << boost::json::serialize(k);
        EXPECT_FALSE(k.contains("k")) << "secret key published: " << boost::json::serialize(k);
        if (k.contains("kid") && k.at("kid") == jwt.header.at("kid")) {
            found = true;
            EXPECT_EQ(k.at("kty").as_string(), "EC");
            EXPECT_EQ(k.at("crv").as_string(), "P-256");
        }
    }
    EXPECT_TRUE(found) << "kid " << boost::json::serialize(jwt.header.at("kid")) << " not in "
                       << boost::json::serialize(jwks);
}

TEST_F(WellKnown, OpenIdConfigurationNamesIssuerJwksUriAndEndpoints) {
    HttpClient c = client();
    const TestUser user = new_user(c, "oidc");
    const boost::json::object meta = get_object(c, "/.well-known/openid-configuration");
    ASSERT_TRUE(meta.contains("issuer") && meta.at("issuer").is_string())
        << boost::json::serialize(meta);
    const std::string issuer(meta.at("issuer").get_string());
    EXPECT_EQ(decode_jwt(user.tokens.access_token).payload.at("iss").as_string(), issuer);
    EXPECT_TRUE(issuer.starts_with("http://") || issuer.starts_with("https://")) << issuer;

    ASSERT_TRUE(meta.contains("jwks_uri") && meta.at("jwks_uri").is_string());
    const std::string jwks_uri(meta.at("jwks_uri").get_string());
    EXPECT_TRUE(jwks_uri.starts_with(origin_of(issuer) + "/")) << jwks_uri << " vs " << issuer;
    EXPECT_TRUE(jwks_uri.ends_with("/.well-known/jwks.json")) << jwks_uri;
    // The URI really serves the JWKS (path relative to this node).
    EXPECT_EQ(c.get(path_of(jwks_uri)).status, 200u);

    int endpoints = 0;
    for (const auto& member : meta) {
        if (!std::string_view(member.key()).ends_with("_endpoint")) continue;
        ++endpoints;
        ASSERT_TRUE(member.value().is_string()) << member.key();
        EXPECT_TRUE(std::string(member.value().get_string()).starts_with(origin_of(issuer) + "/"))
            << member.key() << " = " << member.value();
    }
    EXPECT_GE(endpoints, 1) << "no *_endpoint: " << boost::json::serialize(meta);

    bool lists_es256 = false;
    for (const auto& member : meta) {
        if (!std::string_view(member.key()).ends_with("alg_values_supported")) continue;
        if (!member.value().is_array()) continue;
        for (const boost::json::value& alg : member.value().get_array())
            lists_es256 = lists_es256 || (alg.is_string() && alg.get_string() == "ES256");
    }
    EXPECT_TRUE(lists_es256) << "no *alg_values_supported naming ES256: "
                             << boost::json::serialize(meta);
}

TEST_F(WellKnown, HealthzAnswersOk) {
    HttpClient c = client();
    const boost::json::object body = get_object(c, "/healthz");
    ASSERT_TRUE(body.contains("status"));
    EXPECT_EQ(body.at("status").as_string(), "ok");
}

TEST_F(WellKnown, MetricsCountRequestsAndLogins) {
    HttpClient c = client();
    const TestUser user = new_user(c, "metrics");
    ASSERT_FALSE(user.tokens.access_token.empty());
    login_request(c, user.email, "wrong password");
    const HttpResult result = c.get("/metrics");
    ASSERT_EQ(result.status, 200u) << describe(result);
    EXPECT_TRUE(result.header("content-type").starts_with("text/plain")) << describe(result);
    for (const char* name :
         {"signet_http_requests_total{", "signet_logins_total{result=\"ok\"}",
          "signet_logins_total{result=\"failed\"}", "signet_http_request_duration_seconds_bucket{",
          "signet_tokens_issued_total"}) {
        EXPECT_NE(result.body.find(name), std::string::npos) << name << " missing:\n"
                                                             << result.body;
    }
    // Every sample line is "name[{labels}] value".
    std::istringstream lines(result.body);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.empty() || line.starts_with("#")) continue;
        const std::size_t space = line.rfind(' ');
        ASSERT_NE(space, std::string::npos) << line;
        const std::string value = line.substr(space + 1);
        char* end = nullptr;
        std::strtod(value.c_str(), &end);
        EXPECT_TRUE(end != nullptr && *end == '\0' && !value.empty()) << "bad sample: " << line;
    }
}

TEST(MetricsListener, MetricsMoveToTheMetricsListenAddressAndLeaveTheApi) {
    ServerProcess server(ServerOptions({}, {{"SIGNET_METRICS_LISTEN", "127.0.0.1:0"}}));
    ASSERT_TRUE(server.start());
    // The port is in the "metrics listening" log line.
    std::uint16_t metrics_port = 0;
    std::istringstream lines(server.stderr_text());
    std::string line;
    while (std::getline(lines, line)) {
        if (line.find("\"metrics listening\"") == std::string::npos) continue;
        const auto value = boost::json::parse(line);
        metrics_port = static_cast<std::uint16_t>(value.at("port").to_number<int>());
    }
    ASSERT_NE(metrics_port, 0) << server.stderr_text();

    const HttpResult on_api = server.client().get("/metrics");
    EXPECT_EQ(on_api.status, 404u) << describe(on_api);
    HttpClient admin("127.0.0.1", metrics_port);
    const HttpResult metrics = admin.get("/metrics");
    EXPECT_EQ(metrics.status, 200u) << describe(metrics);
    EXPECT_NE(metrics.body.find("signet_http_requests_total{"), std::string::npos) << metrics.body;
    EXPECT_EQ(admin.get("/healthz").status, 404u);
}

TEST_F(WellKnown, EachRequestIsLoggedAsOneJsonLine) {
    HttpClient c = client();
    const std::string probe =
        "/log-probe-" + std::to_string(::getpid()) + "-" +
        std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
    c.get(probe);
    // The line may be written just after the response; give it a moment.
    boost::json::object entry;
    for (int attempt = 0; attempt < 100 && entry.empty(); ++attempt) {
        std::istringstream lines(server().stderr_text());
        std::string line;
        while (std::getline(lines, line)) {
            if (line.find(probe) == std::string::npos) continue;
            boost::system::error_code ec;
            boost::json::value value = boost::json::parse(line, ec);
            ASSERT_FALSE(ec) << "log line is not JSON: " << line;
            ASSERT_TRUE(value.is_object()) << line;
            entry = std::move(value.get_object());
        }
        if (entry.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_FALSE(entry.empty()) << "no log line for " << probe << ":\n" << server().stderr_text();
    ASSERT_TRUE(entry.contains("method"));
    EXPECT_EQ(entry.at("method").as_string(), "GET");
    ASSERT_TRUE(entry.contains("path"));
    EXPECT_EQ(entry.at("path").as_string(), probe);
    ASSERT_TRUE(entry.contains("status"));
    ASSERT_TRUE(entry.at("status").is_number()) << boost::json::serialize(entry);
    EXPECT_EQ(entry.at("status").to_number<int>(), 404);
}

}  // namespace
}  // namespace signet::test
