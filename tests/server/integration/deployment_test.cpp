// Whole-deployment behaviour of `signet serve`: key rotation while running, two nodes on one data
// dir, durability across kill -9, graceful SIGTERM, TLS, HS256, configuration errors, and tokens
// checked by the `signet token verify` CLI against the served JWKS.
#include <sqlite3.h>
#include <sys/stat.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "server/integration/api_support.hpp"

namespace signet::test {
namespace {

using Clock = std::chrono::steady_clock;

std::string normalized(std::string text) {
    text = lower(text);
    for (char& c : text)
        if (c == '-') c = '_';
    return text;
}

// Polls the JWKS until `done` holds for its kids, for up to 8 s (nodes reload keys every 5 s).
template <class F>
std::set<std::string> published_kids_when(HttpClient& c, F done) {
    std::set<std::string> kids;
    const auto deadline = Clock::now() + std::chrono::seconds(8);
    while (Clock::now() < deadline) {
        kids = published_kids(c);
        if (done(kids)) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return kids;
}

// Resource servers cache the JWKS, so a rotated key is published before it signs: one JWKS
// cache lifetime plus a key reload.
TEST(Deployment, ARotatedKeyIsPublishedBeforeItSigns) {
    auto server = start_server();
    ASSERT_TRUE(server);
    HttpClient c = server->client();
    const TestUser user = new_user(c, "announce");
    const std::string old_kid = kid_of(user.tokens.access_token);

    const CommandResult rotated =
        run_cli({"key", "rotate", "--data-dir", server->data_dir().string()});
    ASSERT_EQ(rotated.exit_code, 0) << describe(rotated);
    // 60 s of JWKS cache lifetime plus the default 5 s key reload.
    EXPECT_NE(rotated.err.find("signs in 65 s"), std::string::npos) << rotated.err;
    const std::string new_kid = rotated.out.substr(0, rotated.out.find('\n'));
    const std::set<std::string> kids =
        published_kids_when(c, [](const std::set<std::string>& k) { return k.size() >= 2; });
    EXPECT_EQ(kids, (std::set<std::string>{old_kid, new_kid}));
    // Announced, not signing: new tokens still carry the old kid.
    EXPECT_EQ(kid_of(login(c, user.email).access_token), old_kid);
}

TEST(Deployment, AKeyRotatedNowSignsNewTokensWhileOldTokensKeepWorking) {
    auto server = start_server();
    ASSERT_TRUE(server);
    HttpClient c = server->client();
    const TestUser user = new_user(c, "rotation");
    const std::string old_kid = kid_of(user.tokens.access_token);
    ASSERT_FALSE(old_kid.empty());
    ASSERT_EQ(published_kids(c), std::set<std::string>{old_kid});

    const CommandResult rotated =
        run_cli({"key", "rotate", "--now", "--data-dir", server->data_dir().string()});
    ASSERT_EQ(rotated.exit_code, 0) << describe(rotated);
    const std::set<std::string> kids =
        published_kids_when(c, [](const std::set<std::string>& k) { return k.size() >= 2; });
    ASSERT_EQ(kids.size(), 2u) << "the rotation did not show up in the JWKS within 8 s";
    EXPECT_EQ(kids.count(old_kid), 1u) << "the previous key must stay published";

    const Tokens fresh = login(c, user.email);
    const std::string new_kid = kid_of(fresh.access_token);
    EXPECT_NE(new_kid, old_kid);
    EXPECT_EQ(kids.count(new_kid), 1u);
    EXPECT_EQ(c.get("/v1/me", bearer(user.tokens.access_token)).status, 200u)
        << "a token signed before the rotation must keep verifying";
    EXPECT_EQ(c.get("/v1/me", bearer(fresh.access_token)).status, 200u);
}

// Key compromise: a revoked key leaves the JWKS and stops verifying within a key reload, so a
// token it signed (or one forged with it) is refused; a new key signs at once.
TEST(Deployment, ARevokedKeyStopsVerifyingWithinAKeyReload) {
    auto server = start_server();
    ASSERT_TRUE(server);
    HttpClient c = server->client();
    const TestUser user = new_user(c, "revoke");
    const std::string leaked = kid_of(user.tokens.access_token);
    ASSERT_EQ(c.get("/v1/me", bearer(user.tokens.access_token)).status, 200u);

    const CommandResult revoked =
        run_cli({"key", "revoke", leaked, "--data-dir", server->data_dir().string()});
    ASSERT_EQ(revoked.exit_code, 0) << describe(revoked);
    const boost::json::object out = boost::json::parse(revoked.out).as_object();
    EXPECT_EQ(out.at("revoked").as_string(), leaked);
    const std::string replacement(out.at("signing_kid").as_string());
    const std::set<std::string> kids = published_kids_when(
        c, [&](const std::set<std::string>& k) { return k.count(leaked) == 0; });
    EXPECT_EQ(kids, std::set<std::string>{replacement});
    EXPECT_EQ(c.get("/v1/me", bearer(user.tokens.access_token)).status, 401u);
    const Tokens fresh = login(c, user.email);
    EXPECT_EQ(kid_of(fresh.access_token), replacement);
    EXPECT_EQ(c.get("/v1/me", bearer(fresh.access_token)).status, 200u);
    // Revoked once is revoked: a second revocation names no key.
    const CommandResult again =
        run_cli({"key", "revoke", leaked, "--data-dir", server->data_dir().string()});
    EXPECT_EQ(again.exit_code, 1);
    EXPECT_NE(again.err.find("key_not_found"), std::string::npos) << again.err;
}

TEST(Deployment, TwoNodesOnOneDataDirShareUsersAndTokens) {
    auto first = start_server();
    ASSERT_TRUE(first);
    auto second = start_server(ServerOptions({}, {}, first->data_dir()));
    ASSERT_TRUE(second);
    ASSERT_NE(first->port(), second->port());
    HttpClient a = first->client();
    HttpClient b = second->client();
    EXPECT_EQ(issuer_of(a), issuer_of(b)) << "one deployment has one issuer";

    const std::string email = unique_email("two-nodes");
    register_user(a, email);
    const Tokens from_b = login(b, email);  // registered on A, logs in on B
    const Tokens from_a = login(a, email);
    ASSERT_FALSE(from_a.access_token.empty());
    ASSERT_FALSE(from_b.access_token.empty());
    EXPECT_EQ(a.get("/v1/me", bearer(from_b.access_token)).status, 200u);
    EXPECT_EQ(b.get("/v1/me", bearer(from_a.access_token)).status, 200u);
    // A refresh token issued by one node rotates on the other.
    EXPECT_EQ(refresh_request(b, from_a.refresh_token).status, 200u);
    // A refresh family revoked on one node is refused on the other.
    const HttpResult out =
        b.post_json("/v1/logout", boost::json::object{{"refresh_token", from_b.refresh_token}},
                    bearer(from_b.access_token));
    EXPECT_EQ(out.status, 204u) << describe(out);
    EXPECT_EQ(refresh_request(a, from_b.refresh_token).status, 401u);
}

TEST(Deployment, UsersAndRefreshTokensSurviveKill9) {
    auto server = start_server();
    ASSERT_TRUE(server);
    std::string email = unique_email("durable");
    Tokens tokens;
    {
        HttpClient c = server->client();
        register_user(c, email);
        tokens = login(c, email);
        ASSERT_FALSE(tokens.refresh_token.empty());
    }
    server->kill9();
    ASSERT_TRUE(server->restart());
    HttpClient c = server->client();
    EXPECT_FALSE(login(c, email).access_token.empty()) << "the user was lost";
    const HttpResult refreshed = refresh_request(c, tokens.refresh_token);
    EXPECT_EQ(refreshed.status, 200u) << "the refresh token was lost: " << describe(refreshed);
    // Access tokens signed before the crash still verify: the key survived too.
    EXPECT_EQ(c.get("/v1/me", bearer(tokens.access_token)).status, 200u);
}

// Polls `server` until /v1/me with `access_token` answers `status`, for at most `seconds`.
bool me_becomes(HttpClient& client, const Headers& credentials, unsigned status, int seconds) {
    const auto deadline = Clock::now() + std::chrono::seconds(seconds);
    while (Clock::now() < deadline) {
        if (client.get("/v1/me", credentials).status == status) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

TEST(Deployment, LogoutOnOneNodeHoldsOnTheOtherAndAcrossRestarts) {
    auto first = start_server();
    ASSERT_TRUE(first);
    auto second = start_server(ServerOptions({}, {}, first->data_dir()));
    ASSERT_TRUE(second);
    HttpClient a = first->client();
    HttpClient b = second->client();
    const TestUser user = new_user(a, "logout-shared");
    ASSERT_EQ(b.get("/v1/me", bearer(user.tokens.access_token)).status, 200u);
    const HttpResult out =
        a.post_json("/v1/logout", boost::json::object{{"refresh_token", user.tokens.refresh_token}},
                    bearer(user.tokens.access_token));
    ASSERT_EQ(out.status, 204u) << describe(out);
    EXPECT_EQ(a.get("/v1/me", bearer(user.tokens.access_token)).status, 401u);
    // The other node reads new revocations at least once a second.
    EXPECT_TRUE(me_becomes(b, bearer(user.tokens.access_token), 401u, 5))
        << "the revoked token still works on the other node";
    first->kill9();
    ASSERT_TRUE(first->restart());
    HttpClient again = first->client();
    EXPECT_EQ(again.get("/v1/me", bearer(user.tokens.access_token)).status, 401u)
        << "the revocation was lost in the restart";
}

TEST(Deployment, DisablingAUserEndsTheirSessions) {
    auto server = start_server();
    ASSERT_TRUE(server);
    HttpClient c = server->client();
    const std::string email = unique_email("disable-session");
    register_user(c, email);
    const HttpResult session =
        c.post_json("/v1/sessions", boost::json::object{{"email", email}, {"password", kPassword}});
    ASSERT_EQ(session.status, 201u) << describe(session);
    const Headers cookie = {{"Cookie", "signet_sid=" + session.cookie("signet_sid")}};
    ASSERT_EQ(c.get("/v1/me", cookie).status, 200u);
    const CommandResult disabled =
        run_cli({"user", "disable", email, "--data-dir", server->data_dir().string()});
    ASSERT_EQ(disabled.exit_code, 0) << describe(disabled);
    // The server re-reads a session user's status at least every 5 s.
    EXPECT_TRUE(me_becomes(c, cookie, 401u, 8)) << "a disabled user's session kept working";
}

TEST(Deployment, SigtermExitsWithStatus0) {
    auto server = start_server();
    ASSERT_TRUE(server);
    HttpClient c = server->client();
    EXPECT_EQ(c.get("/healthz").status, 200u);
    EXPECT_EQ(server->stop(), 0) << server->stderr_text();
}

// The "listening" line comes only once SIGTERM is handled: a supervisor that stops the server the
// moment it reads the line gets a clean exit, never a process killed by the signal. Repeated,
// since the window it closes was a few microseconds wide.
TEST(Deployment, SigtermRightAfterTheListeningLineExitsWithStatus0) {
    for (int i = 0; i < 10; ++i) {
        auto server = start_server();
        ASSERT_TRUE(server);
        ASSERT_EQ(server->stop(), 0) << "run " << i << ": " << server->stderr_text();
    }
}

TEST(Deployment, SigtermDrainsAnInFlightLogin) {
    // A costlier hash keeps the login busy for a while, so SIGTERM lands in the middle of it.
    const TempDir dir;
    auto server = start_server(with_config(dir, "argon2_iterations = 40\n"));
    ASSERT_TRUE(server);
    HttpClient c = server->client();
    const std::string email = unique_email("drain");
    register_user(c, email);
    unsigned status = 0;
    std::string error;
    Clock::time_point answered;
    std::thread request([&] {
        try {
            status = login_request(c, email, kPassword).status;
        } catch (const std::exception& e) {
            error = e.what();
        }
        answered = Clock::now();
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    const Clock::time_point terminated = Clock::now();
    const int exit_status = server->stop();
    request.join();
    EXPECT_EQ(status, 200u) << "the in-flight login was dropped: " << error;
    EXPECT_EQ(exit_status, 0) << server->stderr_text();
    EXPECT_GT(answered, terminated) << "the login finished before SIGTERM; nothing was drained";
}

TEST(Deployment, DataDirIsPrivate) {
    auto server = start_server();
    ASSERT_TRUE(server);
    struct stat dir_stat {};
    ASSERT_EQ(::stat(server->data_dir().c_str(), &dir_stat), 0);
    EXPECT_EQ(dir_stat.st_mode & 0777, 0700u);
    struct stat db_stat {};
    ASSERT_EQ(::stat((server->data_dir() / "signet.db").c_str(), &db_stat), 0);
    EXPECT_EQ(db_stat.st_mode & 0077, 0u) << "the database must not be group/world readable";
}

TEST(Deployment, ServesTokensAndSecureCookiesOverTls) {
    const TempDir dir;
    const std::vector<std::string> tls_flags = self_signed_tls_flags(dir);
    ASSERT_FALSE(tls_flags.empty());
    auto server = start_server(ServerOptions(tls_flags));
    ASSERT_TRUE(server);
    EXPECT_TRUE(server->ready_line().starts_with("signet: listening on https://127.0.0.1:"))
        << server->ready_line();
    ASSERT_TRUE(server->tls());
    HttpClient c = server->client();
    const TestUser user = new_user(c, "tls");
    EXPECT_EQ(c.get("/v1/me", bearer(user.tokens.access_token)).status, 200u);
    EXPECT_TRUE(issuer_of(c).starts_with("https://"));

    const HttpResult session = c.post_json(
        "/v1/sessions", boost::json::object{{"email", user.email}, {"password", kPassword}});
    ASSERT_EQ(session.status, 201u) << describe(session);
    const std::string line = set_cookie_line(session, "__Host-signet_sid");
    EXPECT_TRUE(has_cookie_attribute(line, "Secure")) << line;
    EXPECT_TRUE(has_cookie_attribute(line, "HttpOnly")) << line;
    const HttpResult me =
        c.get("/v1/me", {{"Cookie", "__Host-signet_sid=" + session.cookie("__Host-signet_sid")}});
    EXPECT_EQ(me.status, 200u) << describe(me);

    const HttpResult cookie_login = c.post_json(
        "/v1/login",
        boost::json::object{{"email", user.email}, {"password", kPassword}, {"cookie", true}});
    ASSERT_EQ(cookie_login.status, 200u) << describe(cookie_login);
    const std::string at_line = set_cookie_line(cookie_login, "__Host-signet_at");
    EXPECT_TRUE(has_cookie_attribute(at_line, "Secure")) << at_line;

    // Plain HTTP on the TLS port gets no answer in clear text.
    const RawExchange plain =
        raw_exchange("127.0.0.1", server->port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
                     std::chrono::seconds(5));
    EXPECT_EQ(plain.received.find("HTTP/1.1 200"), std::string::npos) << plain.received;
}

TEST(Deployment, AccessTokenVerifiesWithCliAgainstServedJwks) {
    auto server = start_server();
    ASSERT_TRUE(server);
    HttpClient c = server->client();
    const TestUser user = new_user(c, "cli-verify");
    const HttpResult jwks = c.get("/.well-known/jwks.json");
    ASSERT_EQ(jwks.status, 200u);
    const std::string jwks_file = server->dir().write("jwks.json", jwks.body).string();
    const std::string issuer = issuer_of(c);
    const DecodedJwt jwt = decode_jwt(user.tokens.access_token);
    const boost::json::value& aud = jwt.payload.at("aud");
    const std::string audience(aud.is_string() ? aud.get_string() : aud.at(0).as_string());

    const CommandResult verified =
        run_cli({"token", "verify", "--key", jwks_file, "--alg", "ES256", "--iss", issuer, "--aud",
                 audience, "--typ", "at+jwt", user.tokens.access_token});
    ASSERT_EQ(verified.exit_code, 0) << describe(verified);
    const boost::json::value payload = boost::json::parse(verified.out);
    EXPECT_EQ(payload.at("sub").as_string(), user.id);

    // The same CLI refuses the token for another audience: the check above meant something.
    const CommandResult wrong_aud =
        run_cli({"token", "verify", "--key", jwks_file, "--alg", "ES256", "--iss", issuer, "--aud",
                 "https://somewhere-else.example", user.tokens.access_token});
    EXPECT_EQ(wrong_aud.exit_code, 1) << describe(wrong_aud);
}

TEST(Deployment, Hs256DeploymentIssuesTokensAndPublishesNoKeys) {
    auto server = start_server(ServerOptions({"--signing-alg", "HS256"}));
    ASSERT_TRUE(server);
    HttpClient c = server->client();
    const TestUser user = new_user(c, "hs256");
    const DecodedJwt jwt = decode_jwt(user.tokens.access_token);
    EXPECT_EQ(jwt.header.at("alg").as_string(), "HS256");
    EXPECT_EQ(c.get("/v1/me", bearer(user.tokens.access_token)).status, 200u);
    const HttpResult jwks = c.get("/.well-known/jwks.json");
    ASSERT_EQ(jwks.status, 200u) << describe(jwks);
    const boost::json::value body = jwks.json();
    ASSERT_TRUE(body.is_object() && body.get_object().contains("keys")) << jwks.body;
    EXPECT_TRUE(body.at("keys").as_array().empty())
        << "a shared secret is never published: " << jwks.body;
}

TEST(Deployment, Hs256WithGivenSecretIsAccepted) {
    auto server = start_server(
        ServerOptions({"--signing-alg", "HS256"},
                      {{"SIGNET_HMAC_SECRET", std::string(32, 's') + "-long-enough"}}));
    ASSERT_TRUE(server);
    HttpClient c = server->client();
    const TestUser user = new_user(c, "hs256-secret");
    EXPECT_EQ(c.get("/v1/me", bearer(user.tokens.access_token)).status, 200u);
}

TEST(Deployment, UnknownConfigSettingStopsTheStartNamingIt) {
    const TempDir dir;
    ServerProcess server(with_config(dir, "registration = true\nno_such_setting = 1\n"));
    const ::testing::AssertionResult started = server.start();
    ASSERT_FALSE(started) << "the server started despite an unknown setting";
    EXPECT_EQ(server.exit_status(), 2) << "an invalid setting is a usage error";
    EXPECT_NE(server.stderr_text().find("no_such_setting"), std::string::npos)
        << server.stderr_text();
}

TEST(Deployment, InvalidFlagValueStopsTheStartNamingIt) {
    ServerProcess server(ServerOptions({"--access-token-ttl", "soon"}));
    ASSERT_FALSE(server.start()) << "the server started with --access-token-ttl soon";
    EXPECT_EQ(server.exit_status(), 2) << "an invalid setting is a usage error";
    EXPECT_NE(normalized(server.stderr_text()).find("access_token_ttl"), std::string::npos)
        << server.stderr_text();
}

TEST(Deployment, InvalidEnvironmentValueStopsTheStartNamingIt) {
    ServerProcess server(ServerOptions({}, {{"SIGNET_ACCESS_TOKEN_TTL", "-5"}}));
    ASSERT_FALSE(server.start()) << "the server started with SIGNET_ACCESS_TOKEN_TTL=-5";
    EXPECT_EQ(server.exit_status(), 2) << "an invalid setting is a usage error";
    EXPECT_NE(normalized(server.stderr_text()).find("access_token_ttl"), std::string::npos)
        << server.stderr_text();
}

TEST(Deployment, FlagOverridesEnvironmentOverridesConfigFile) {
    const TempDir dir;
    ServerOptions options =
        with_config(dir, "access_token_ttl = 100\n", {"--access-token-ttl", "300"});
    options.env = {{"SIGNET_ACCESS_TOKEN_TTL", "200"}};
    auto server = start_server(options);
    ASSERT_TRUE(server);
    HttpClient c = server->client();
    const std::string email = unique_email("precedence");
    register_user(c, email);
    const HttpResult result = login_request(c, email, kPassword);
    ASSERT_EQ(result.status, 200u) << describe(result);
    EXPECT_EQ(result.json().at("expires_in").to_number<int>(), 300);
}

// TLS that ends at a proxy in front: the node speaks plain HTTP, but browsers reach the deployment
// only over HTTPS, so its cookies must still be Secure, with the prefixed names that go with it.
TEST(Deployment, AnHttpsIssuerGivesSecureCookiesBehindATlsProxy) {
    auto server = start_server(ServerOptions({"--issuer", "https://auth.example.test"}));
    ASSERT_TRUE(server);
    HttpClient c = server->client();
    const TestUser user = new_user(c, "tls-proxy");
    const HttpResult session = c.post_json(
        "/v1/sessions", boost::json::object{{"email", user.email}, {"password", kPassword}});
    ASSERT_EQ(session.status, 201u) << describe(session);
    const std::string line = set_cookie_line(session, "__Host-signet_sid");
    EXPECT_TRUE(has_cookie_attribute(line, "Secure")) << line;
    EXPECT_TRUE(has_cookie_attribute(set_cookie_line(session, "__Host-signet_csrf"), "Secure"));
    const std::string sid = session.cookie("__Host-signet_sid");
    EXPECT_EQ(c.get("/v1/me", {{"Cookie", "__Host-signet_sid=" + sid}}).status, 200u);
    EXPECT_EQ(c.get("/v1/me", {{"Cookie", "signet_sid=" + sid}}).status, 401u);
}

// Another process holding the database's write lock must not stall requests that need no store:
// store calls run on the worker pool, and the revocation list is read locally.
TEST(Deployment, AnOutsideWriterHoldingTheDatabaseDoesNotStallRequestsThatNeedNoStore) {
    auto server = start_server();
    ASSERT_TRUE(server);
    HttpClient setup = server->client();
    const TestUser user = new_user(setup, "writer-lock");

    sqlite3* outside = nullptr;
    ASSERT_EQ(sqlite3_open((server->data_dir() / "signet.db").c_str(), &outside), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(outside, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
    // Logins now wait on the worker pool for the lock (holding the engine's connection).
    std::vector<std::thread> waiting;
    for (int i = 0; i < 2; ++i) {
        waiting.emplace_back([&] {
            HttpClient c = server->client();
            c.post_json("/v1/login", boost::json::object{{"email", user.email},
                                                         {"password", std::string(kPassword)}});
        });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    HttpClient c = server->client();
    std::chrono::milliseconds slowest{0};
    for (int i = 0; i < 10; ++i) {
        for (const char* target : {"/healthz", "/.well-known/jwks.json"}) {
            const auto start = Clock::now();
            EXPECT_EQ(c.get(target).status, 200u) << target;
            slowest = std::max(slowest, std::chrono::duration_cast<std::chrono::milliseconds>(
                                            Clock::now() - start));
        }
        const auto start = Clock::now();
        EXPECT_EQ(c.get("/v1/me", bearer(user.tokens.access_token)).status, 200u);
        slowest = std::max(
            slowest, std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start));
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(sqlite3_exec(outside, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(outside);
    for (auto& thread : waiting)
        thread.join();
    EXPECT_LT(slowest.count(), 500) << "a request that needs no store waited for the database";
}

}  // namespace
}  // namespace signet::test
