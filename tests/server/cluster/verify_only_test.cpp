// Verify-only nodes (`signet serve --trust-issuer URL`) against a real issuing `signet serve` on
// SQLite: the issuer's tokens are accepted on every node, a key rotated at the issuer is picked up
// without a restart, tokens keep verifying while the issuer is down, and a node that cannot load
// the issuer's keys stops at start. No PostgreSQL or Redis is involved.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/json/object.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "server/cluster/cluster.hpp"
#include "server/integration/oauth2_support.hpp"
#include "server/support/free_port.hpp"
#include "signet/signet.hpp"

namespace signet::test {
namespace {

using namespace std::chrono_literals;

// Quiet, cheap to log in to, and quick to notice a rotation (key_reload_interval 1 s).
EnvVars issuer_env(EnvVars extra = {}) {
    EnvVars env = {{"SIGNET_KEY_RELOAD_INTERVAL", "1"},
                   {"SIGNET_LOG_REQUESTS", "false"},
                   {"SIGNET_SIGNING_ALG", "ES256"},  // asymmetric: its JWKS can be published
                   {"SIGNET_ARGON2_MEMORY_KIB", "8192"},
                   {"SIGNET_ARGON2_ITERATIONS", "1"}};
    env.insert(env.end(), extra.begin(), extra.end());
    return env;
}

// A verify-only node of `issuer_url`: no data dir, and a 1 s cooldown on unknown kids.
ServerOptions verify_node(const std::string& issuer_url) {
    ServerOptions options({"--trust-issuer", issuer_url}, {{"SIGNET_JWKS_REFRESH_COOLDOWN", "1"},
                                                           {"SIGNET_LOG_REQUESTS", "false"}});
    options.pass_data_dir = false;
    return options;
}

// The value of an unlabelled sample on /metrics; -1 when the node does not expose it.
double metric(HttpClient& client, const std::string& name) {
    const HttpResult result = client.get("/metrics");
    if (result.status != 200) return -1;
    const std::string prefix = "\n" + name + " ";
    const std::size_t at = ("\n" + result.body).find(prefix);
    if (at == std::string::npos) return -1;
    return std::stod(result.body.substr(at + prefix.size() - 1));
}

// A well-formed access token for `issuer` signed by a key nobody publishes.
std::string token_signed_elsewhere(const std::string& issuer) {
    const Jwk key = Jwk::generate(Algorithm::ES256).value();
    Signer signer = Signer::create(key).value();
    signer.type("at+jwt");
    const auto now =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    Claims claims;
    claims.set_issuer(issuer).set_subject("intruder").set_audience(issuer).set_jwt_id("j1");
    claims.set_issued_at(now).set_expires_at(now + std::chrono::minutes(5));
    return signer.sign(claims).value();
}

// /v1/me and /v1/auth on `node` accept `token` as `user`'s.
void expect_accepted(HttpClient& node, const std::string& token, const TestUser& user,
                     const std::string& what) {
    const HttpResult me = node.get("/v1/me", bearer(token));
    ASSERT_EQ(me.status, 200u) << what << ": " << describe(me);
    EXPECT_EQ(me.json().at("sub").as_string(), user.id) << what;
    EXPECT_EQ(me.json().at("email").as_string(), user.email) << what;
    EXPECT_EQ(me.json().at("auth").as_string(), "jwt") << what;
    const HttpResult auth = node.get("/v1/auth", bearer(token));
    ASSERT_EQ(auth.status, 200u) << what << ": " << describe(auth);
    EXPECT_EQ(auth.header("X-Signet-Subject"), user.id) << what;
    EXPECT_EQ(auth.header("X-Signet-Email"), user.email) << what;
}

// `token` gets the RFC 6750 invalid_token answer on /v1/me and a bodiless 401 on /v1/auth.
void expect_refused(HttpClient& node, const std::string& token, const std::string& what) {
    const HttpResult me = node.get("/v1/me", bearer(token));
    expect_error(me, 401, "invalid_token");
    EXPECT_NE(me.header("WWW-Authenticate").find(R"(error="invalid_token")"), std::string::npos)
        << what << ": " << describe(me);
    const HttpResult auth = node.get("/v1/auth", bearer(token));
    EXPECT_EQ(auth.status, 401u) << what << ": " << describe(auth);
    EXPECT_TRUE(auth.body.empty()) << what << ": nginx passes no body on";
}

TEST(VerifyOnlyNode, AcceptsTheIssuersTokensAcrossAKeyRotationAndWhileTheIssuerIsDown) {
    const bool data_dir_existed = std::filesystem::exists("signet-data");
    auto issuer = start_server(ServerOptions({}, issuer_env()));
    ASSERT_TRUE(issuer);
    const std::string issuer_url = issuer->base_url();
    auto first = start_server(verify_node(issuer_url));
    auto second = start_server(verify_node(issuer_url));
    ASSERT_TRUE(first && second);
    // No store anywhere: neither the harness's data dir nor the default one was created.
    EXPECT_FALSE(std::filesystem::exists(first->data_dir()));
    EXPECT_FALSE(std::filesystem::exists(second->data_dir()));
    if (!data_dir_existed) {
        EXPECT_FALSE(std::filesystem::exists("signet-data"));
    }

    HttpClient at_issuer = issuer->client();
    const TestUser user = new_user(at_issuer, "verify-only");
    const std::string old_kid = kid_of(user.tokens.access_token);
    for (ServerProcess* node : {first.get(), second.get()}) {
        HttpClient c = node->client();
        expect_accepted(c, user.tokens.access_token, user, "before the rotation");
    }

    // Rotate at the issuer, signing at once (as after a compromise; an announced key would reach
    // the nodes through their JWKS refresh before it signs); the nodes are not told.
    const CommandResult rotated =
        run_cli({"key", "rotate", "--now", "--data-dir", issuer->data_dir().string()});
    ASSERT_EQ(rotated.exit_code, 0) << describe(rotated);
    ASSERT_TRUE(within(8000ms, [&] { return published_kids(at_issuer).size() == 2; }))
        << "the issuer did not publish the new key within 8 s";
    const Tokens fresh = login(at_issuer, user.email);
    ASSERT_NE(kid_of(fresh.access_token), old_kid) << "the new token is signed by the new key";
    for (ServerProcess* node : {first.get(), second.get()}) {
        HttpClient c = node->client();
        EXPECT_TRUE(within(5000ms, [&] {
            return c.get("/v1/me", bearer(fresh.access_token)).status == 200;
        })) << "a node did not take up the rotated key within 5 s";
        expect_accepted(c, fresh.access_token, user, "signed by the rotated-in key");
        expect_accepted(c, user.tokens.access_token, user, "signed before the rotation");
        EXPECT_GE(metric(c, "signet_jwks_unknown_kid_refreshes_total"), 1)
            << "the new kid triggered a fetch";
        EXPECT_GE(metric(c, "signet_jwks_fetches_total"), 2) << "start, then the new kid";
        EXPECT_EQ(metric(c, "signet_jwks_keys"), 2) << "both keys are published";
        EXPECT_GE(metric(c, "signet_jwks_cache_hits_total"), 1);
        EXPECT_EQ(metric(c, "signet_jwks_stale"), 0);
    }

    // The issuer goes away: the nodes keep the keys they have.
    ASSERT_EQ(issuer->stop(), 0);
    const std::string stranger = token_signed_elsewhere(issuer_url);
    for (ServerProcess* node : {first.get(), second.get()}) {
        HttpClient c = node->client();
        expect_accepted(c, user.tokens.access_token, user, "old token, issuer down");
        expect_accepted(c, fresh.access_token, user, "new token, issuer down");
        // An unknown kid makes the node try the issuer, which fails; the failure is counted,
        // logged, and the token refused.
        EXPECT_TRUE(within(5000ms, [&] {
            expect_refused(c, stranger, "unknown key, issuer down");
            return metric(c, "signet_jwks_fetch_failures_total") >= 1;
        })) << "no failed fetch was counted";
        // The log line follows the count (the error callback runs after the fetch is recorded).
        EXPECT_TRUE(within(5000ms, [&] {
            return node->stderr_text().find("jwks fetch failed") != std::string::npos;
        })) << "the failed fetch was not logged";
        expect_accepted(c, fresh.access_token, user, "after the failed fetch");
    }
}

TEST(VerifyOnlyNode, RefusesGarbageExpiredAndForeignTokensAndServesOnlyItsRoutes) {
    // Access tokens of one second, so that one expires during the test.
    auto issuer = start_server(ServerOptions({"--access-token-ttl", "1"}, issuer_env()));
    auto other_issuer = start_server(ServerOptions({}, issuer_env()));
    ASSERT_TRUE(issuer && other_issuer);
    auto node = start_server(verify_node(issuer->base_url()));
    ASSERT_TRUE(node);
    HttpClient c = node->client();

    HttpClient at_issuer = issuer->client();
    const TestUser user = new_user(at_issuer, "short-lived");
    HttpClient at_other = other_issuer->client();
    const TestUser foreign = new_user(at_other, "foreign");

    // No credentials: the bare challenge (RFC 6750 §3.1).
    const HttpResult anonymous = c.get("/v1/me");
    expect_error(anonymous, 401, "unauthorized");
    EXPECT_EQ(anonymous.header("WWW-Authenticate"), R"(Bearer realm="signet")");
    EXPECT_EQ(c.get("/v1/auth").status, 401u);
    // A session cookie is no credential here: sessions live in the issuer's store.
    EXPECT_EQ(c.get("/v1/me", {{"Cookie", "signet_sid=abc"}}).header("WWW-Authenticate"),
              R"(Bearer realm="signet")");

    expect_refused(c, "not.a.token", "garbage");
    expect_refused(c, foreign.tokens.access_token, "another issuer's token");
    expect_refused(c, token_signed_elsewhere(issuer->base_url()), "an unpublished key");

    std::this_thread::sleep_for(2100ms);
    const HttpResult expired = c.get("/v1/me", bearer(user.tokens.access_token));
    expect_error(expired, 401, "invalid_token");
    EXPECT_EQ(expired.json().at("error_description").as_string(), "The access token expired.");
    EXPECT_EQ(c.get("/v1/auth", bearer(user.tokens.access_token)).status, 401u);

    // The cookie carries tokens as well as the header does.
    const Tokens again = login(at_issuer, user.email);
    EXPECT_EQ(c.get("/v1/me", {{"Cookie", "signet_at=" + again.access_token}}).status, 200u);

    EXPECT_EQ(c.get("/healthz").status, 200u);
    EXPECT_GE(metric(c, "signet_tokens_verified_total"), 1);
    // Logins, users and discovery are the issuer's.
    EXPECT_EQ(c.post_json("/v1/login",
                          boost::json::object{{"email", user.email}, {"password", kPassword}})
                  .status,
              404u);
    EXPECT_EQ(c.get("/.well-known/jwks.json").status, 404u);
}

// A loopback listener on `port` that takes connections and never answers: a fetch from it waits
// for its whole timeout. The descriptor, or -1.
int silent_listener(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    const int on = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(fd, 16) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Like the issuer's own API, a verify-only node serves only tokens granted the deployment's scope:
// an OAuth client's token for "openid email" alone is 403 there.
TEST(VerifyOnlyNode, ServesOnlyTokensGrantedTheDeploymentsScope) {
    auto issuer = start_server(ServerOptions({}, issuer_env()));
    ASSERT_TRUE(issuer);
    auto node = start_server(verify_node(issuer->base_url()));
    ASSERT_TRUE(node);
    HttpClient at_issuer = issuer->client();
    HttpClient at_node = node->client();
    const OAuthClient app = add_client(*issuer, "verify-only-scope");
    for (const auto& [scope, status] :
         {std::pair<std::string, unsigned>{"openid email", 403}, {"openid email api", 200}}) {
        const CodeGrant grant = obtain_code(at_issuer, app, "verify-only-scope", scope);
        const HttpResult tokens = exchange(at_issuer, app, grant);
        ASSERT_EQ(tokens.status, 200u) << describe(tokens);
        const std::string token(tokens.json().at("access_token").as_string());
        EXPECT_EQ(at_node.get("/v1/me", bearer(token)).status, status) << scope;
        EXPECT_EQ(at_node.get("/v1/auth", bearer(token)).status, status) << scope;
    }
}

TEST(VerifyOnlyNode, AFetchForAnUnknownKidNeverHoldsTheIoThread) {
    auto issuer = start_server(ServerOptions({}, issuer_env()));
    ASSERT_TRUE(issuer);
    const std::string issuer_url = issuer->base_url();
    ServerOptions options = verify_node(issuer_url);
    options.env.emplace_back("SIGNET_IO_THREADS", "1");  // one I/O thread: any wait on it shows
    auto node = start_server(options);
    ASSERT_TRUE(node);
    HttpClient at_issuer = issuer->client();
    const TestUser user = new_user(at_issuer, "io-thread");
    const std::uint16_t issuer_port = issuer->port();
    ASSERT_EQ(issuer->stop(), 0);
    const int silent = silent_listener(issuer_port);
    ASSERT_GE(silent, 0) << std::strerror(errno);
    std::this_thread::sleep_for(1100ms);  // past the cooldown of the start-up fetch

    // An unknown kid: the node refetches the JWKS from a listener that never answers.
    std::atomic<bool> unknown_answered{false};
    std::thread unknown([&] {
        HttpClient c = node->client();
        try {
            (void)c.get("/v1/me", bearer(token_signed_elsewhere(issuer_url)));
        } catch (const std::exception&) {
            // The node is killed below while the fetch still waits.
        }
        unknown_answered = true;
    });
    std::this_thread::sleep_for(500ms);

    HttpClient c = node->client();
    const auto start = std::chrono::steady_clock::now();
    const HttpResult me = c.get("/v1/me", bearer(user.tokens.access_token));
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(me.status, 200u) << describe(me);
    EXPECT_LT(took, 1s) << "a token of a known key waited for the fetch";
    EXPECT_FALSE(unknown_answered) << "the fetch was to be still waiting (on the worker pool)";
    EXPECT_EQ(c.get("/healthz").status, 200u);

    node->kill9();
    unknown.join();
    ::close(silent);
}

TEST(VerifyOnlyNode, ExitsWithTheCauseWhenTheIssuersKeysCannotBeLoaded) {
    const std::string nowhere = "http://127.0.0.1:" + std::to_string(free_loopback_port());
    ServerProcess node(verify_node(nowhere));
    EXPECT_FALSE(node.start());
    EXPECT_FALSE(node.running());
    EXPECT_EQ(node.exit_status(), 1);
    const std::string err = node.stderr_text();
    EXPECT_NE(err.find("cannot load the keys of the trusted issuer " + nowhere), std::string::npos)
        << err;
    EXPECT_NE(err.find("fetch_failed"), std::string::npos) << err;
    EXPECT_FALSE(std::filesystem::exists(node.data_dir()));
}

TEST(VerifyOnlyNode, RefusesAStoreSettingOrAPlainHttpIssuerElsewhereAtStart) {
    const CommandResult with_database =
        run_cli({"serve", "--trust-issuer", "https://auth.example.com", "--database-url",
                 "postgresql://u:secret@127.0.0.1/signet"});
    EXPECT_EQ(with_database.exit_code, 2) << describe(with_database);
    EXPECT_NE(with_database.err.find("database_url does not apply to a verify-only node"),
              std::string::npos)
        << with_database.err;
    EXPECT_EQ(with_database.err.find("secret"), std::string::npos);

    const CommandResult plain_http =
        run_cli({"serve", "--trust-issuer", "http://auth.example.com"});
    EXPECT_EQ(plain_http.exit_code, 2) << describe(plain_http);
    EXPECT_NE(plain_http.err.find("loopback"), std::string::npos) << plain_http.err;
}

}  // namespace
}  // namespace signet::test
