// The OpenID Provider across the nodes of a scale-out deployment (three nodes on PostgreSQL and
// Redis behind nginx): a client registered once is known to every node, a session from one node
// authorizes on another, and a code issued by one node is redeemed on any other, once.
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "server/cluster/cluster.hpp"
#include "server/integration/oauth2_support.hpp"
#include "server/support/postgres_server.hpp"
#include "server/support/redis_server.hpp"

namespace signet::test {
namespace {

class OAuthClusterTest : public ::testing::Test {
  protected:
    void SetUp() override {
        cluster_ = std::make_unique<Cluster>(ClusterOptions(test_database_url(), test_redis_url()));
        ASSERT_TRUE(cluster_->start());
        app_.id = "cluster-app";
        const CommandResult added =
            cluster_->cli({"client", "add", "--id", app_.id, "--redirect-uri",
                           std::string(kRedirectUri), "--public"});
        ASSERT_EQ(added.exit_code, 0) << describe(added);
    }

    // A user logged in by session on node `session_node`, and a code obtained on `authorize_node`.
    CodeGrant code_across(std::size_t session_node, std::size_t authorize_node) {
        HttpClient first = cluster_->node_client(session_node);
        CodeGrant grant;
        grant.user = new_user(first, "oauth-cluster");
        grant.cookie = session_cookie(first, grant.user.email);
        grant.pkce = new_pkce();
        HttpClient second = cluster_->node_client(authorize_node);
        const HttpResult result =
            authorize(second, authorize_params(app_, grant.pkce), grant.cookie);
        EXPECT_EQ(result.status, 302u) << describe(result);
        grant.code = query_of(result.header("location"))["code"];
        EXPECT_FALSE(grant.code.empty()) << result.header("location");
        return grant;
    }

    std::unique_ptr<Cluster> cluster_;
    OAuthClient app_;
};

TEST_F(OAuthClusterTest, ACodeIssuedOnOneNodeIsRedeemedOnAnotherAndItsReplayRevokesEverywhere) {
    const CodeGrant grant = code_across(0, 1);
    HttpClient third = cluster_->node_client(2);
    const HttpResult tokens = exchange(third, app_, grant);
    ASSERT_EQ(tokens.status, 200u) << describe(tokens);
    const std::string access_token(tokens.json().at("access_token").as_string());
    const DecodedJwt id_token(decode_jwt(std::string(tokens.json().at("id_token").as_string())));
    EXPECT_EQ(id_token.payload.at("iss").as_string(), cluster_->issuer());
    for (std::size_t i = 0; i < cluster_->size(); ++i) {
        HttpClient node = cluster_->node_client(i);
        EXPECT_EQ(node.get("/oauth2/userinfo", bearer(access_token)).status, 200u) << "node " << i;
    }
    // The replay, on yet another node, fails and revokes the access token on every node.
    HttpClient first = cluster_->node_client(0);
    expect_error(exchange(first, app_, grant), 400, "invalid_grant");
    for (std::size_t i = 0; i < cluster_->size(); ++i) {
        HttpClient node = cluster_->node_client(i);
        const auto refused = within(std::chrono::seconds(3), [&] {
            return node.get("/oauth2/userinfo", bearer(access_token)).status == 401;
        });
        EXPECT_TRUE(refused) << "node " << i << " still accepts the replayed code's token";
    }
}

// Thirty exchanges of one code at once over three nodes: one redeems it, the others are replays,
// so (RFC 6749 §4.1.2) whatever the one issued is revoked. It either sees the replays and hands out
// nothing, or a replay revokes what it handed out: no token of the code works afterwards.
TEST_F(OAuthClusterTest, OfManyConcurrentExchangesOfOneCodeOverThreeNodesNoTokenSurvives) {
    const CodeGrant grant = code_across(1, 2);
    std::mutex mutex;
    std::vector<std::string> issued;
    std::atomic<int> refused{0};
    std::atomic<int> other{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 30; ++i) {
        threads.emplace_back([&, i] {
            HttpClient node = cluster_->node_client(static_cast<std::size_t>(i) % cluster_->size());
            const HttpResult result = exchange(node, app_, grant);
            if (result.status == 200) {
                std::lock_guard lock(mutex);
                issued.emplace_back(result.json().at("access_token").as_string());
            } else if (result.status == 400) {
                ++refused;
            } else {
                ++other;
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    EXPECT_LE(issued.size(), 1u);
    EXPECT_EQ(refused.load() + static_cast<int>(issued.size()), 30);
    EXPECT_EQ(other.load(), 0);
    for (const std::string& token : issued) {
        for (std::size_t i = 0; i < cluster_->size(); ++i) {
            HttpClient node = cluster_->node_client(i);
            EXPECT_TRUE(
                within(std::chrono::seconds(3),
                       [&] { return node.get("/oauth2/userinfo", bearer(token)).status == 401; }))
                << "node " << i << " still accepts a token of a replayed code";
        }
    }
}

TEST_F(OAuthClusterTest, DiscoveryThroughNginxNamesNginxsUrlForEveryEndpoint) {
    HttpClient through_nginx = cluster_->client();
    const HttpResult result = through_nginx.get("/.well-known/openid-configuration");
    ASSERT_EQ(result.status, 200u) << describe(result);
    const boost::json::object doc = result.json().as_object();
    EXPECT_EQ(doc.at("issuer").as_string(), cluster_->issuer());
    for (const std::string_view field : {"authorization_endpoint", "token_endpoint",
                                         "userinfo_endpoint", "jwks_uri", "end_session_endpoint"}) {
        EXPECT_TRUE(std::string(doc.at(field).as_string()).starts_with(cluster_->issuer() + "/"))
            << field;
    }
}

}  // namespace
}  // namespace signet::test
