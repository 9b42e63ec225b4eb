// What must hold across the nodes of a scale-out deployment (three nodes on PostgreSQL and Redis
// behind nginx): tokens, logouts, password changes, disabled users, sessions, rate limits, refresh
// rotation and key rotation are the deployment's, not a node's; nginx's auth_request gets the user
// from /v1/auth.
#include <atomic>
#include <boost/json/object.hpp>
#include <chrono>
#include <thread>
#include <vector>

#include "server/cluster/cluster.hpp"
#include "server/support/postgres_server.hpp"
#include "server/support/redis_server.hpp"

namespace signet::test {
namespace {

using namespace std::chrono_literals;

class ClusterTest : public ::testing::Test {
  protected:
    void SetUp() override {
        cluster_ = std::make_unique<Cluster>(ClusterOptions(test_database_url(), test_redis_url()));
        ASSERT_TRUE(cluster_->start());
    }

    Cluster& cluster() { return *cluster_; }

    // A session on node `i`: its cookie header and CSRF token.
    struct SessionCookie {
        std::string cookie;
        std::string csrf;
    };
    SessionCookie session_on(std::size_t i, const std::string& email) {
        HttpClient c = cluster().node_client(i);
        const HttpResult created = c.post_json(
            "/v1/sessions", boost::json::object{{"email", email}, {"password", kPassword}});
        EXPECT_EQ(created.status, 201u) << describe(created);
        return {
            "signet_sid=" + created.cookie("signet_sid"),
            created.status == 201 ? std::string(created.json().at("csrf_token").as_string()) : ""};
    }

    std::unique_ptr<Cluster> cluster_;
};

TEST_F(ClusterTest, ATokenIssuedByAnyNodeIsAcceptedByEveryNode) {
    for (std::size_t issuer = 0; issuer < cluster().size(); ++issuer) {
        HttpClient c = cluster().node_client(issuer);
        const TestUser user = new_user(c, "cross-node");
        for (std::size_t verifier = 0; verifier < cluster().size(); ++verifier) {
            HttpClient other = cluster().node_client(verifier);
            const HttpResult me = other.get("/v1/me", bearer(user.tokens.access_token));
            ASSERT_EQ(me.status, 200u) << "issued by node " << issuer << ", verified by node "
                                       << verifier << ": " << describe(me);
            EXPECT_EQ(me.json().at("sub").as_string(), user.id);
        }
    }
}

TEST_F(ClusterTest, ALogoutOnOneNodeIsRefusedOnEveryNodeWithinOneSecond) {
    HttpClient a = cluster().node_client(0);
    const TestUser user = new_user(a, "logout");
    for (std::size_t i = 0; i < cluster().size(); ++i) {
        HttpClient c = cluster().node_client(i);
        ASSERT_EQ(c.get("/v1/me", bearer(user.tokens.access_token)).status, 200u);
    }
    const HttpResult out =
        a.post_json("/v1/logout", boost::json::object{{"refresh_token", user.tokens.refresh_token}},
                    bearer(user.tokens.access_token));
    ASSERT_EQ(out.status, 204u) << describe(out);
    for (std::size_t i = 1; i < cluster().size(); ++i) {
        HttpClient c = cluster().node_client(i);
        const auto took = within(1000ms, [&] {
            return c.get("/v1/me", bearer(user.tokens.access_token)).status == 401;
        });
        EXPECT_TRUE(took) << "node " << i << " still accepts the token 1 s after the logout";
        // The refresh family is gone everywhere at once: it lives in the shared database.
        EXPECT_EQ(refresh_request(c, user.tokens.refresh_token).status, 401u);
    }
}

TEST_F(ClusterTest, APasswordChangeOnOneNodeEndsRefreshTokensAndSessionsOnEveryNode) {
    HttpClient a = cluster().node_client(0);
    const TestUser user = new_user(a, "password");
    const SessionCookie session = session_on(1, user.email);
    HttpClient c = cluster().node_client(2);
    ASSERT_EQ(c.get("/v1/me", {{"Cookie", session.cookie}}).status, 200u);

    // Tokens carry "iat" in whole seconds: change in a later second than the login.
    std::this_thread::sleep_for(1100ms);
    const HttpResult changed = a.post_json(
        "/v1/password",
        boost::json::object{{"current_password", kPassword}, {"new_password", "a new password"}},
        bearer(user.tokens.access_token));
    ASSERT_EQ(changed.status, 204u) << describe(changed);
    for (std::size_t i = 0; i < cluster().size(); ++i) {
        HttpClient node = cluster().node_client(i);
        EXPECT_EQ(node.get("/v1/me", {{"Cookie", session.cookie}}).status, 401u) << "node " << i;
        EXPECT_TRUE(within(
            1000ms,
            [&] { return node.get("/v1/me", bearer(user.tokens.access_token)).status == 401; }))
            << "node " << i << " still accepts an access token issued before the change";
    }
    EXPECT_EQ(refresh_request(c, user.tokens.refresh_token).status, 401u);
    // The new password logs in at once, and its token is accepted everywhere.
    const Tokens fresh = login(a, user.email, "a new password");
    for (std::size_t i = 0; i < cluster().size(); ++i) {
        HttpClient node = cluster().node_client(i);
        EXPECT_EQ(node.get("/v1/me", bearer(fresh.access_token)).status, 200u) << "node " << i;
    }
}

TEST_F(ClusterTest, ASessionCreatedOnOneNodeIsValidOnEveryNodeAndEndsEverywhere) {
    HttpClient a = cluster().node_client(0);
    const TestUser user = new_user(a, "session");
    const SessionCookie session = session_on(0, user.email);
    for (std::size_t i = 0; i < cluster().size(); ++i) {
        HttpClient c = cluster().node_client(i);
        const HttpResult me = c.get("/v1/me", {{"Cookie", session.cookie}});
        ASSERT_EQ(me.status, 200u) << "node " << i << ": " << describe(me);
        EXPECT_EQ(me.json().at("auth"), "session");
    }
    HttpClient b = cluster().node_client(1);
    const HttpResult ended =
        b.del("/v1/sessions/current", {{"Cookie", session.cookie + "; signet_csrf=" + session.csrf},
                                       {"X-CSRF-Token", session.csrf}});
    ASSERT_EQ(ended.status, 204u) << describe(ended);
    for (std::size_t i = 0; i < cluster().size(); ++i) {
        HttpClient c = cluster().node_client(i);
        EXPECT_EQ(c.get("/v1/me", {{"Cookie", session.cookie}}).status, 401u) << "node " << i;
    }
}

TEST_F(ClusterTest, DisablingAUserFromTheCommandLineEndsTheirSessionsOnEveryNode) {
    HttpClient a = cluster().node_client(0);
    const TestUser user = new_user(a, "disable");
    const SessionCookie session = session_on(2, user.email);
    std::this_thread::sleep_for(1100ms);  // "iat" is in whole seconds
    const CommandResult disabled = cluster().cli({"user", "disable", user.email});
    ASSERT_EQ(disabled.exit_code, 0) << describe(disabled);
    for (std::size_t i = 0; i < cluster().size(); ++i) {
        HttpClient c = cluster().node_client(i);
        EXPECT_EQ(c.get("/v1/me", {{"Cookie", session.cookie}}).status, 401u) << "node " << i;
        EXPECT_EQ(login_request(c, user.email, kPassword).status, 401u) << "node " << i;
        EXPECT_TRUE(
            within(1000ms,
                   [&] { return c.get("/v1/me", bearer(user.tokens.access_token)).status == 401; }))
            << "node " << i << " still accepts the disabled user's access token";
    }
    EXPECT_EQ(refresh_request(a, user.tokens.refresh_token).status, 401u);
}

TEST_F(ClusterTest, FailedLoginsAreCountedOnceForTheWholeDeployment) {
    HttpClient a = cluster().node_client(0);
    const TestUser user = new_user(a, "limit");
    // The default limit is 10 failures per (email, client) per window, wherever they land.
    for (int i = 0; i < 10; ++i) {
        HttpClient c = cluster().node_client(static_cast<std::size_t>(i) % cluster().size());
        ASSERT_EQ(login_request(c, user.email, "wrong password").status, 401u) << "attempt " << i;
    }
    for (std::size_t i = 0; i < cluster().size(); ++i) {
        HttpClient c = cluster().node_client(i);
        const HttpResult refused = login_request(c, user.email, kPassword);
        EXPECT_EQ(refused.status, 429u) << "node " << i << ": " << describe(refused);
        EXPECT_FALSE(refused.header("retry-after").empty());
    }
}

TEST_F(ClusterTest, ThroughNginxEachClientIsLimitedByItsOwnAddress) {
    HttpClient direct = cluster().node_client(0);
    const TestUser user = new_user(direct, "proxied");
    HttpClient edge = cluster().client();
    // nginx replaces whatever X-Forwarded-For a client sends with its real address, and the
    // nodes trust nginx: a client cannot pick a fresh identity per request to dodge the limit.
    for (int i = 0; i < 10; ++i) {
        const HttpResult failed =
            login_request(edge, user.email, "wrong password",
                          {{"X-Forwarded-For", "203.0.113." + std::to_string(i)}});
        ASSERT_EQ(failed.status, 401u) << describe(failed);
    }
    EXPECT_EQ(
        login_request(edge, user.email, kPassword, {{"X-Forwarded-For", "198.51.100.1"}}).status,
        429u);
}

TEST_F(ClusterTest, FiftyConcurrentRefreshesOverThreeNodesYieldExactlyOnePair) {
    HttpClient a = cluster().node_client(0);
    const TestUser user = new_user(a, "race");
    std::atomic<int> rotated{0};
    std::atomic<int> refused{0};
    std::atomic<int> other{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 50; ++i) {
        threads.emplace_back([&, i] {
            HttpClient c = cluster().node_client(static_cast<std::size_t>(i) % cluster().size());
            const unsigned status = refresh_request(c, user.tokens.refresh_token).status;
            if (status == 200) {
                ++rotated;
            } else if (status == 401) {
                ++refused;
            } else {
                ++other;
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    EXPECT_EQ(rotated.load(), 1);
    EXPECT_EQ(refused.load(), 49);
    EXPECT_EQ(other.load(), 0);
}

TEST_F(ClusterTest, AKeyRotatedFromTheCommandLineSignsAndIsPublishedOnEveryNode) {
    HttpClient a = cluster().node_client(0);
    const TestUser user = new_user(a, "rotate");
    const std::string old_kid = kid_of(user.tokens.access_token);
    // --now: signing at once (without it the key is announced for a minute first).
    const CommandResult rotated = cluster().cli({"key", "rotate", "--now"});
    ASSERT_EQ(rotated.exit_code, 0) << describe(rotated);
    std::string new_kid = rotated.out;
    while (!new_kid.empty() && new_kid.back() == '\n')
        new_kid.pop_back();
    ASSERT_NE(new_kid, old_kid);
    // key_reload_interval is 1 s here.
    for (std::size_t i = 0; i < cluster().size(); ++i) {
        HttpClient c = cluster().node_client(i);
        const auto took = within(3000ms, [&] {
            const auto kids = published_kids(c);
            return kids.count(old_kid) == 1 && kids.count(new_kid) == 1;
        });
        EXPECT_TRUE(took) << "node " << i << " does not publish both keys";
        const auto signs =
            within(3000ms, [&] { return kid_of(login(c, user.email).access_token) == new_kid; });
        EXPECT_TRUE(signs) << "node " << i << " does not sign with the new key";
        EXPECT_EQ(c.get("/v1/me", bearer(user.tokens.access_token)).status, 200u)
            << "a token of the previous key must keep verifying on node " << i;
    }
}

TEST_F(ClusterTest, NginxAuthRequestHandsTheApplicationTheUser) {
    HttpClient edge = cluster().client();
    const TestUser user = new_user(edge, "auth-request");
    const HttpResult app = edge.get("/app/orders", bearer(user.tokens.access_token));
    ASSERT_EQ(app.status, 200u) << describe(app);
    EXPECT_EQ(app.body, "user=" + user.id + " email=" + user.email + " authorization=");

    const HttpResult anonymous = edge.get("/app/orders");
    EXPECT_EQ(anonymous.status, 401u) << describe(anonymous);
    const HttpResult forged = edge.get("/app/orders", bearer(user.tokens.access_token + "x"));
    EXPECT_EQ(forged.status, 401u) << describe(forged);

    // A session cookie works the same way.
    const HttpResult created = edge.post_json(
        "/v1/sessions", boost::json::object{{"email", user.email}, {"password", kPassword}});
    ASSERT_EQ(created.status, 201u) << describe(created);
    const HttpResult with_session =
        edge.get("/app/orders", {{"Cookie", "signet_sid=" + created.cookie("signet_sid")}});
    EXPECT_EQ(with_session.status, 200u) << describe(with_session);
    EXPECT_EQ(with_session.body, "user=" + user.id + " email=" + user.email + " authorization=");
}

TEST_F(ClusterTest, ForwardAuthAnswersCarryNoBody) {
    HttpClient c = cluster().node_client(0);
    const TestUser user = new_user(c, "forward-auth");
    const HttpResult ok = c.get("/v1/auth", bearer(user.tokens.access_token));
    EXPECT_EQ(ok.status, 200u);
    EXPECT_EQ(ok.header("x-signet-subject"), user.id);
    EXPECT_EQ(ok.header("x-signet-email"), user.email);
    EXPECT_TRUE(ok.body.empty());
    const HttpResult refused = c.get("/v1/auth");
    EXPECT_EQ(refused.status, 401u);
    EXPECT_TRUE(refused.body.empty());
    EXPECT_EQ(refused.header("www-authenticate"), R"(Bearer realm="signet")");
}

TEST_F(ClusterTest, TheIssuerIsNginxsUrlOnEveryNode) {
    for (std::size_t i = 0; i < cluster().size(); ++i) {
        HttpClient c = cluster().node_client(i);
        EXPECT_EQ(issuer_of(c), cluster().issuer()) << "node " << i;
    }
    HttpClient edge = cluster().client();
    EXPECT_EQ(issuer_of(edge), cluster().issuer());
}

}  // namespace
}  // namespace signet::test
