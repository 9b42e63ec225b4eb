// `signet serve` with TLS: the stored issuer against the scheme the node serves, Strict-Transport-
// Security on every answer (RFC 6797), and the prefixed cookies of RFC 6265bis §4.1.3.
#include <boost/beast/http/verb.hpp>
#include <boost/json/object.hpp>
#include <memory>
#include <string>
#include <vector>

#include "server/integration/api_support.hpp"

namespace signet::test {
namespace {

std::string discovery_member(HttpClient& client, std::string_view name) {
    const HttpResult result = client.get("/.well-known/openid-configuration");
    EXPECT_EQ(result.status, 200u) << describe(result);
    const boost::json::value body = result.json();
    if (!body.is_object()) return "";
    const boost::json::value* member = body.get_object().if_contains(name);
    return member != nullptr && member->is_string() ? std::string(member->get_string()) : "";
}

// Stops `server` once it has answered: SIGTERM before its first answer may find no handler yet.
void stop_after_an_answer(ServerProcess& server) {
    HttpClient c = server.client();
    EXPECT_EQ(c.get("/healthz").status, 200u);
    EXPECT_EQ(server.stop(), 0) << server.stderr_text();
}

// A login that asks for cookies, sent by a page of `origin`: refused (403 csrf) unless `origin`
// is the issuer's.
HttpResult cookie_login_from(HttpClient& client, const TestUser& user, const std::string& origin) {
    return client.post_json(
        "/v1/login",
        boost::json::object{{"email", user.email}, {"password", kPassword}, {"cookie", true}},
        {{"Origin", origin}});
}

// A data dir first served over plain HTTP stores an http:// issuer. Turning TLS on must not keep
// it silently: discovery, jwks_uri and every token would still say http://, and the https://
// page's Origin would never match it (403 csrf on every cookie request).
TEST(TlsIssuer, EnablingTlsOnADataDirWithAnHttpIssuerRefusesToStart) {
    auto plain = start_server();
    ASSERT_TRUE(plain);
    HttpClient c = plain->client();
    const std::string stored = issuer_of(c);
    ASSERT_TRUE(stored.starts_with("http://")) << stored;
    stop_after_an_answer(*plain);

    const TempDir certs;
    const std::vector<std::string> tls_flags = self_signed_tls_flags(certs);
    ASSERT_FALSE(tls_flags.empty());
    ServerProcess tls(ServerOptions(tls_flags, {}, plain->data_dir()));
    ASSERT_FALSE(tls.start()) << "a TLS node started with the stored issuer " << stored;
    EXPECT_EQ(tls.exit_status(), 2) << "the invocation has to change, like a bad setting";
    const std::string message = tls.stderr_text();
    EXPECT_NE(message.find(stored), std::string::npos) << message;
    EXPECT_NE(message.find("--issuer https://"), std::string::npos) << message;
}

// --issuer is the way out: the node starts, and the issuer it stores is what the next start
// without --issuer finds, so discovery, tokens and the CSRF origin all say https://.
TEST(TlsIssuer, AnExplicitIssuerLetsTheTlsNodeStartAndIsKeptForLaterStarts) {
    auto plain = start_server();
    ASSERT_TRUE(plain);
    stop_after_an_answer(*plain);
    const TempDir certs;
    const std::vector<std::string> tls_flags = self_signed_tls_flags(certs);
    ASSERT_FALSE(tls_flags.empty());
    const std::string issuer = "https://auth.example.test";

    std::vector<std::string> with_issuer = tls_flags;
    with_issuer.insert(with_issuer.end(), {"--issuer", issuer});
    auto fixed = start_server(ServerOptions(with_issuer, {}, plain->data_dir()));
    ASSERT_TRUE(fixed);
    stop_after_an_answer(*fixed);

    auto later = start_server(ServerOptions(tls_flags, {}, plain->data_dir()));
    ASSERT_TRUE(later);
    HttpClient c = later->client();
    EXPECT_EQ(issuer_of(c), issuer);
    EXPECT_EQ(discovery_member(c, "jwks_uri"), issuer + "/.well-known/jwks.json");
    const TestUser user = new_user(c, "tls-issuer");
    EXPECT_EQ(decode_jwt(user.tokens.access_token).payload.at("iss").as_string(), issuer);
    const HttpResult from_issuer = cookie_login_from(c, user, issuer);
    EXPECT_EQ(from_issuer.status, 200u) << describe(from_issuer);
    expect_error(cookie_login_from(c, user, "http://auth.example.test"), 403, "csrf");
}

// TLS that ends at a proxy in front: the node speaks plain HTTP under an https:// issuer, and
// restarts without --issuer keep it.
TEST(TlsIssuer, APlainNodeKeepsAStoredHttpsIssuerForTlsAtAProxy) {
    auto first = start_server(ServerOptions({"--issuer", "https://auth.example.test"}));
    ASSERT_TRUE(first);
    stop_after_an_answer(*first);
    auto second = start_server(ServerOptions({}, {}, first->data_dir()));
    ASSERT_TRUE(second);
    HttpClient c = second->client();
    EXPECT_EQ(issuer_of(c), "https://auth.example.test");
}

// Nodes of one data dir listen on ports of their own and share the first node's issuer: another
// port is not a disagreement.
TEST(TlsIssuer, TwoTlsNodesOnOneDataDirShareTheFirstNodesIssuer) {
    const TempDir certs;
    const std::vector<std::string> tls_flags = self_signed_tls_flags(certs);
    ASSERT_FALSE(tls_flags.empty());
    auto first = start_server(ServerOptions(tls_flags));
    ASSERT_TRUE(first);
    auto second = start_server(ServerOptions(tls_flags, {}, first->data_dir()));
    ASSERT_TRUE(second);
    ASSERT_NE(first->port(), second->port());
    HttpClient a = first->client();
    HttpClient b = second->client();
    const std::string issuer = issuer_of(a);
    EXPECT_EQ(issuer, "https://127.0.0.1:" + std::to_string(first->port()));
    EXPECT_EQ(issuer_of(b), issuer);
}

// One TLS node for the tests that need nothing else of it.
class TlsServerTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        certs_ = std::make_unique<TempDir>();
        const std::vector<std::string> tls_flags = self_signed_tls_flags(*certs_);
        if (!tls_flags.empty()) server_ = start_server(ServerOptions(tls_flags));
    }
    static void TearDownTestSuite() {
        server_.reset();
        certs_.reset();
    }
    void SetUp() override { ASSERT_TRUE(server_) << "the TLS server did not start"; }
    HttpClient client() { return server_->client(); }

  private:
    static inline std::unique_ptr<TempDir> certs_;
    static inline std::unique_ptr<ServerProcess> server_;
};

using TlsAnswers = TlsServerTest;
using TlsCookies = TlsServerTest;

// RFC 6797 §6.1, §8.1: one year, renewed by every answer; no includeSubDomains, since the node
// cannot know that every subdomain of its host serves HTTPS.
constexpr std::string_view kHsts = "max-age=31536000";

// RFC 6797 §7.1: the HSTS host sends the header in every answer over secure transport, errors and
// answers the HTTP layer writes itself included.
TEST_F(TlsAnswers, EveryAnswerCarriesStrictTransportSecurity) {
    HttpClient c = client();
    std::string oversized = "{\"email\":\"big@example.com\",\"password\":\"";
    oversized += std::string(64 * 1024, 'x') + "\"}";
    const std::vector<HttpResult> answers = {
        c.get("/healthz"),
        c.get("/no/such/route"),
        c.get("/v1/me"),
        c.post_json("/v1/login", boost::json::object{{"email", 1}}),
        c.request(boost::beast::http::verb::post, "/v1/users", oversized,
                  {{"Content-Type", "application/json"}}),
    };
    const std::vector<unsigned> statuses = {200u, 404u, 401u, 400u, 413u};
    for (std::size_t i = 0; i < answers.size(); ++i) {
        EXPECT_EQ(answers[i].status, statuses[i]) << describe(answers[i]);
        EXPECT_EQ(answers[i].header("Strict-Transport-Security"), kHsts) << describe(answers[i]);
    }
}

// RFC 6797 §7.2: never over plain HTTP, not even under an https:// issuer: there the proxy that
// ends TLS is the one to send it.
TEST(PlainAnswers, CarryNoStrictTransportSecurityEvenUnderAnHttpsIssuer) {
    auto server = start_server(ServerOptions({"--issuer", "https://auth.example.test"}));
    ASSERT_TRUE(server);
    HttpClient c = server->client();
    const HttpResult health = c.get("/healthz");
    ASSERT_EQ(health.status, 200u) << describe(health);
    EXPECT_TRUE(health.header("Strict-Transport-Security").empty()) << describe(health);
}

// RFC 6265bis §4.1.3.2: a "__Host-" cookie is Secure, has Path=/ and no Domain, so neither a
// sibling subdomain nor a plain-HTTP page can set or shadow it.
void expect_host_prefixed(const std::string& line) {
    EXPECT_TRUE(line.starts_with("__Host-")) << line;
    EXPECT_TRUE(has_cookie_attribute(line, "Secure")) << line;
    EXPECT_EQ(cookie_attribute(line, "Path"), "/") << line;
    EXPECT_EQ(cookie_attribute(line, "Domain"), "") << line;
}

TEST_F(TlsCookies, SessionCookiesCarryTheHostPrefixAndOnlyThoseNamesAreRead) {
    HttpClient c = client();
    const TestUser user = new_user(c, "tls-session");
    const HttpResult session = c.post_json(
        "/v1/sessions", boost::json::object{{"email", user.email}, {"password", kPassword}});
    ASSERT_EQ(session.status, 201u) << describe(session);
    expect_host_prefixed(set_cookie_line(session, "__Host-signet_sid"));
    EXPECT_TRUE(has_cookie_attribute(set_cookie_line(session, "__Host-signet_sid"), "HttpOnly"));
    expect_host_prefixed(set_cookie_line(session, "__Host-signet_csrf"));
    const std::string sid = session.cookie("__Host-signet_sid");
    const std::string csrf = session.cookie("__Host-signet_csrf");
    ASSERT_FALSE(sid.empty()) << describe(session);
    ASSERT_FALSE(csrf.empty()) << describe(session);

    EXPECT_EQ(c.get("/v1/me", {{"Cookie", "__Host-signet_sid=" + sid}}).status, 200u);
    // Without the prefix the cookie may have come from anywhere: it is no credential.
    expect_error(c.get("/v1/me", {{"Cookie", "signet_sid=" + sid}}), 401, "unauthorized");

    // A CSRF cookie without the prefix could be planted by a sibling subdomain, with the matching
    // header: it proves nothing.
    expect_error(c.del("/v1/sessions/current",
                       {{"Cookie", "__Host-signet_sid=" + sid + "; signet_csrf=planted"},
                        {"X-CSRF-Token", "planted"}}),
                 403, "csrf");
    const HttpResult ended =
        c.del("/v1/sessions/current",
              {{"Cookie", "__Host-signet_sid=" + sid + "; __Host-signet_csrf=" + csrf},
               {"X-CSRF-Token", csrf}});
    EXPECT_EQ(ended.status, 204u) << describe(ended);
}

// The refresh cookie is narrowed to Path=/v1, and "__Host-" requires Path=/: it takes "__Secure-"
// (RFC 6265bis §4.1.3.1).
TEST_F(TlsCookies, TokenCookiesCarryTheirPrefixesAndOnlyThoseNamesAreRead) {
    HttpClient c = client();
    const TestUser user = new_user(c, "tls-tokens");
    const HttpResult logged = c.post_json(
        "/v1/login",
        boost::json::object{{"email", user.email}, {"password", kPassword}, {"cookie", true}});
    ASSERT_EQ(logged.status, 200u) << describe(logged);
    const std::string at_line = set_cookie_line(logged, "__Host-signet_at");
    expect_host_prefixed(at_line);
    EXPECT_TRUE(has_cookie_attribute(at_line, "HttpOnly")) << at_line;
    const std::string rt_line = set_cookie_line(logged, "__Secure-signet_rt");
    EXPECT_TRUE(has_cookie_attribute(rt_line, "Secure")) << rt_line;
    EXPECT_TRUE(has_cookie_attribute(rt_line, "HttpOnly")) << rt_line;
    EXPECT_EQ(cookie_attribute(rt_line, "Path"), "/v1") << rt_line;
    expect_host_prefixed(set_cookie_line(logged, "__Host-signet_csrf"));

    const std::string at = logged.cookie("__Host-signet_at");
    const std::string rt = logged.cookie("__Secure-signet_rt");
    const std::string csrf = logged.cookie("__Host-signet_csrf");
    ASSERT_FALSE(at.empty() || rt.empty() || csrf.empty()) << describe(logged);
    EXPECT_EQ(c.get("/v1/me", {{"Cookie", "__Host-signet_at=" + at}}).status, 200u);
    expect_error(c.get("/v1/me", {{"Cookie", "signet_at=" + at}}), 401, "unauthorized");

    // Unprefixed names are not read, so this refresh finds no token (and spends none).
    expect_error(c.post_json("/v1/token/refresh", boost::json::object{},
                             {{"Cookie", "signet_rt=" + rt + "; signet_csrf=" + csrf},
                              {"X-CSRF-Token", csrf}}),
                 400, "invalid_request");
    const HttpResult refreshed =
        c.request(boost::beast::http::verb::post, "/v1/token/refresh", "",
                  {{"Cookie", "__Secure-signet_rt=" + rt + "; __Host-signet_csrf=" + csrf},
                   {"X-CSRF-Token", csrf}});
    ASSERT_EQ(refreshed.status, 200u) << describe(refreshed);
    EXPECT_FALSE(refreshed.cookie("__Secure-signet_rt").empty()) << describe(refreshed);
}

}  // namespace
}  // namespace signet::test
