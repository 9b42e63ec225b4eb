// The claim Signet is built on, under real faults: with JWTs every node keeps verifying users while
// a shared store is down, sessions need their store, and every store failure answers 503 (never
// 500, never a crash) and heals without restarting a node.
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

void expect_unavailable(const HttpResult& result, const std::string& what) {
    EXPECT_EQ(result.status, 503u) << what << ": " << describe(result);
    if (result.status != 503) return;
    EXPECT_EQ(result.json().at("error"), "unavailable") << what;
    EXPECT_FALSE(result.header("retry-after").empty()) << what;
}

std::string session_cookie(HttpClient& c, const std::string& email) {
    const HttpResult created =
        c.post_json("/v1/sessions", boost::json::object{{"email", email}, {"password", kPassword}});
    EXPECT_EQ(created.status, 201u) << describe(created);
    return "signet_sid=" + created.cookie("signet_sid");
}

TEST(ClusterFaults, WithRedisDownJwtsKeepWorkingSessionsAndLoginsAnswer503AndAllHealsAfter) {
    RedisServer redis;
    ASSERT_TRUE(redis.start());
    Cluster cluster(ClusterOptions(test_database_url(), redis.url()));
    ASSERT_TRUE(cluster.start());
    HttpClient a = cluster.node_client(0);
    const TestUser user = new_user(a, "redis-down");
    const std::string cookie = session_cookie(a, user.email);

    redis.stop();
    for (std::size_t i = 0; i < cluster.size(); ++i) {
        HttpClient c = cluster.node_client(i);
        const std::string node = "node " + std::to_string(i);
        EXPECT_EQ(c.get("/v1/me", bearer(user.tokens.access_token)).status, 200u) << node;
        expect_unavailable(c.get("/v1/me", {{"Cookie", cookie}}), node + " session /v1/me");
        // The rate limiter cannot count: logins fail closed.
        expect_unavailable(login_request(c, user.email, kPassword), node + " login");
    }
    // Refresh needs only the database.
    const HttpResult refreshed = refresh_request(a, user.tokens.refresh_token);
    ASSERT_EQ(refreshed.status, 200u) << describe(refreshed);
    // Through nginx too: a 503 is an answer, not a node failure.
    HttpClient edge = cluster.client();
    EXPECT_EQ(edge.get("/v1/me", bearer(user.tokens.access_token)).status, 200u);

    ASSERT_TRUE(redis.start());  // same port, empty: the sessions it held are gone
    const auto healed =
        within(5000ms, [&] { return login_request(a, user.email, kPassword).status == 200; });
    ASSERT_TRUE(healed) << "logins did not recover after Redis came back";
    for (std::size_t i = 0; i < cluster.size(); ++i) {
        HttpClient c = cluster.node_client(i);
        const std::string fresh = session_cookie(c, user.email);
        EXPECT_EQ(c.get("/v1/me", {{"Cookie", fresh}}).status, 200u) << "node " << i;
    }
}

TEST(ClusterFaults, WithPostgresDownJwtsAndRedisSessionsKeepWorkingAndWritesAnswer503) {
    PostgresServer postgres;
    ASSERT_TRUE(postgres.start());
    Cluster cluster(ClusterOptions(postgres.create_database(), test_redis_url()));
    ASSERT_TRUE(cluster.start());
    HttpClient a = cluster.node_client(0);
    const TestUser user = new_user(a, "pg-down");
    const TestUser revoked = new_user(a, "pg-down-revoked");
    ASSERT_EQ(a.post_json("/v1/logout", boost::json::object{}, bearer(revoked.tokens.access_token))
                  .status,
              204u);
    const std::string cookie = session_cookie(a, user.email);
    // Every node has read the revocation (they sync every 250 ms).
    for (std::size_t i = 0; i < cluster.size(); ++i) {
        HttpClient c = cluster.node_client(i);
        ASSERT_TRUE(within(2000ms, [&] {
            return c.get("/v1/me", bearer(revoked.tokens.access_token)).status == 401;
        }));
    }

    postgres.stop();
    for (std::size_t i = 0; i < cluster.size(); ++i) {
        HttpClient c = cluster.node_client(i);
        const std::string node = "node " + std::to_string(i);
        EXPECT_EQ(c.get("/v1/me", bearer(user.tokens.access_token)).status, 200u) << node;
        EXPECT_EQ(c.get("/v1/me", bearer(revoked.tokens.access_token)).status, 401u)
            << node << ": a revocation already known must stay enforced";
        EXPECT_EQ(c.get("/v1/me", {{"Cookie", cookie}}).status, 200u) << node << " session";
        expect_unavailable(login_request(c, user.email, kPassword), node + " login");
        expect_unavailable(refresh_request(c, user.tokens.refresh_token), node + " refresh");
        expect_unavailable(
            c.post_json("/v1/users",
                        boost::json::object{{"email", unique_email("n")}, {"password", kPassword}}),
            node + " registration");
    }

    ASSERT_TRUE(postgres.start());
    const auto healed =
        within(10000ms, [&] { return login_request(a, user.email, kPassword).status == 200; });
    ASSERT_TRUE(healed) << "logins did not recover after PostgreSQL came back";
    for (std::size_t i = 0; i < cluster.size(); ++i) {
        HttpClient c = cluster.node_client(i);
        EXPECT_EQ(refresh_request(c, login(c, user.email).refresh_token).status, 200u)
            << "node " << i;
    }
}

TEST(ClusterFaults, ANodeKilledUnderLoadCostsAtMostItsInFlightRequestsAndNoAcknowledgedWrite) {
    Cluster cluster(ClusterOptions(test_database_url(), test_redis_url()));
    ASSERT_TRUE(cluster.start());
    HttpClient setup = cluster.client();
    const TestUser user = new_user(setup, "kill9");

    std::atomic<bool> stop{false};
    std::atomic<int> reads_ok{0};
    std::atomic<int> reads_failed{0};
    std::mutex registered_mutex;
    std::vector<std::string> registered;  // acknowledged with 201
    std::vector<std::thread> load;
    for (int t = 0; t < 4; ++t) {
        load.emplace_back([&, t] {
            HttpClient c = cluster.client();
            int n = 0;
            while (!stop.load()) {
                try {
                    if (t == 0) {
                        const std::string email = unique_email("kill9-writer");
                        const HttpResult created = c.post_json(
                            "/v1/users",
                            boost::json::object{{"email", email}, {"password", kPassword}});
                        if (created.status == 201) {
                            std::lock_guard lock(registered_mutex);
                            registered.push_back(email);
                        }
                    } else if (c.get("/v1/me", bearer(user.tokens.access_token)).status == 200) {
                        ++reads_ok;
                    } else {
                        ++reads_failed;
                    }
                } catch (const std::exception&) {
                    ++reads_failed;  // a connection cut by the kill
                    c = cluster.client();
                }
                ++n;
            }
        });
    }
    std::this_thread::sleep_for(1s);
    cluster.node(1).kill9();
    std::this_thread::sleep_for(2s);
    stop = true;
    for (auto& thread : load)
        thread.join();

    EXPECT_GT(reads_ok.load(), 100);
    // Only requests in flight on the killed node may fail (each load thread has one at a time).
    EXPECT_LE(reads_failed.load(), 3) << reads_ok.load() << " reads succeeded";
    // After the kill every request is served.
    HttpClient c = cluster.client();
    for (int i = 0; i < 30; ++i)
        ASSERT_EQ(c.get("/v1/me", bearer(user.tokens.access_token)).status, 200u) << i;
    ASSERT_FALSE(registered.empty());
    for (const std::string& email : registered)
        EXPECT_EQ(login_request(c, email, kPassword).status, 200u) << email << " was acknowledged";
}

}  // namespace
}  // namespace signet::test
