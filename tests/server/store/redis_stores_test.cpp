// What only the Redis engine does: its URL (strict, never echoing the password), AUTH and SELECT,
// key prefixes, bounded waits when Redis is down, hung or busy, recovery when it comes back
// without restarting the store, and TTLs that keep its state bounded. The behaviour it shares
// with the other engines is tested by the contract suites in store/contract/.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "server/store/redis/redis_connection.hpp"
#include "server/store/redis/redis_stores.hpp"
#include "server/store/store_error.hpp"
#include "server/store/store_records.hpp"
#include "server/support/redis_server.hpp"

namespace signet::server {
namespace {

using signet::server::test::make_code;
using signet::server::test::make_session;

using signet::test::RedisServer;
using signet::test::test_redis_url;
using Clock = std::chrono::steady_clock;

// Well above the engine's 2 s timeouts, well below a hang.
constexpr auto kPromptly = std::chrono::seconds(5);

// The StoreError message of `call`, or "" (and a failure) when it did not throw one.
template <class Call>
std::string store_error_of(Call call) {
    try {
        call();
    } catch (const StoreError& error) {
        return error.what();
    }
    ADD_FAILURE() << "no StoreError";
    return "";
}

// A raw connection for looking at what the engine wrote.
redis::Reply raw(const std::string& url, std::initializer_list<std::string_view> args) {
    redis::Connection connection(redis::parse_redis_url(url));
    return connection.command(args);
}

std::int64_t raw_integer(const std::string& url, std::initializer_list<std::string_view> args) {
    return redis::as_integer(*raw(url, args), "test command");
}

std::string prefix_of(const std::string& url) {
    return redis::parse_redis_url(url).key_prefix;
}

// --- URL ----------------------------------------------------------------------------------------

TEST(RedisUrl, ParsesEveryPart) {
    const auto url = redis::parse_redis_url(
        "redis://alice:s%40cr%2Fet@cache.internal:6380/3?key_prefix=app%3A1:");
    EXPECT_EQ(url.host, "cache.internal");
    EXPECT_EQ(url.port, 6380);
    EXPECT_EQ(url.user, "alice");
    EXPECT_EQ(url.password, "s@cr/et");
    EXPECT_EQ(url.db, 3);
    EXPECT_EQ(url.key_prefix, "app:1:");
    EXPECT_EQ(url.describe(), "cache.internal:6380/3");
}

TEST(RedisUrl, DefaultsToPort6379NoDatabaseAndTheSignetPrefix) {
    for (const char* text : {"redis://localhost", "redis://localhost/", "redis://localhost:6379"}) {
        const auto url = redis::parse_redis_url(text);
        EXPECT_EQ(url.host, "localhost") << text;
        EXPECT_EQ(url.port, 6379) << text;
        EXPECT_FALSE(url.db.has_value()) << text;
        EXPECT_FALSE(url.user.has_value()) << text;
        EXPECT_FALSE(url.password.has_value()) << text;
        EXPECT_EQ(url.key_prefix, "signet:") << text;
    }
    EXPECT_EQ(redis::parse_redis_url("redis://h?key_prefix=x:").key_prefix, "x:");
}

TEST(RedisUrl, APasswordNeedsNoUserAndAnIpv6HostIsBracketed) {
    const auto password_only = redis::parse_redis_url("redis://:pw@10.0.0.7");
    EXPECT_FALSE(password_only.user.has_value());
    EXPECT_EQ(password_only.password, "pw");
    const auto ipv6 = redis::parse_redis_url("redis://[::1]:7000/2");
    EXPECT_EQ(ipv6.host, "::1");
    EXPECT_EQ(ipv6.port, 7000);
    EXPECT_EQ(ipv6.db, 2);
    EXPECT_EQ(ipv6.describe(), "[::1]:7000/2");
}

TEST(RedisUrl, RejectsMalformedUrlsWithoutRevealingThePassword) {
    const std::vector<std::string> bad = {
        "http://:Sup3rSecretPw@h",
        "rediss://:Sup3rSecretPw@h",
        "redis:/:Sup3rSecretPw@h",
        "redis://:Sup3rSecretPw@h:0",
        "redis://:Sup3rSecretPw@h:65536",
        "redis://:Sup3rSecretPw@h:63ab",
        "redis://:Sup3rSecretPw@h:",
        "redis://:Sup3rSecretPw@h:+80",
        "redis://:Sup3rSecretPw@/0",
        "redis://:Sup3rSecretPw@",
        "redis://:Sup3rSecretPw@h o/0",
        "redis://:Sup3rSecretPw@[::1",
        "redis://:Sup3rSecretPw@h/db1",
        "redis://:Sup3rSecretPw@h/-1",
        "redis://:Sup3rSecretPw@h/1/2",
        "redis://:Sup3rSecretPw@h/1?db=2",
        "redis://:Sup3rSecretPw@h/1?key_prefix",
        "redis://:Sup3rSecretPw@h/1?key_prefix=",
        "redis://:Sup3rSecretPw@h/1?key_prefix=a&key_prefix=b",
        "redis://:Sup3rSecretPw@h/1?key_prefix=a%zz",
        "redis://:Sup3rSecretPw@h#fragment",
        "redis://:Sup3rSec/retPw@h",     // '/' must be percent-encoded in a password
        "redis://:Sup3rSec?retPw@h",     // and '?'
        "redis://:Sup3rSec:ret%ZZPw@h",  // a broken escape
        "redis://Sup3rSecretPw@h",       // no ':' before the password
        "redis://user:@h",               // an empty password
        "redis://a:Sup3rSecretPw@b:Sup3rSecretPw@h:port",
    };
    for (const auto& url : bad) {
        const std::string message = store_error_of([&] { redis::parse_redis_url(url); });
        EXPECT_TRUE(message.starts_with("redis: bad URL: ")) << url << " -> " << message;
        for (const char* fragment : {"Sup3r", "Secret", "retPw", "ret%"}) {
            EXPECT_EQ(message.find(fragment), std::string::npos) << url << " -> " << message;
        }
        // The engine's entry point refuses it the same way, before any connection.
        EXPECT_EQ(store_error_of([&] { open_redis_stores(url, 1); }), message) << url;
    }
}

TEST(RedisStores, AnUnreachableServerFailsPromptlyNamingHostAndPortButNotThePassword) {
    const auto started = Clock::now();
    const std::string message =
        store_error_of([] { open_redis_stores("redis://:Sup3rSecretPw@127.0.0.1:1/", 1); });
    EXPECT_LT(Clock::now() - started, kPromptly);
    EXPECT_TRUE(message.starts_with("redis: cannot connect to 127.0.0.1:1")) << message;
    EXPECT_EQ(message.find("Sup3r"), std::string::npos) << message;
}

// --- databases, prefixes, AUTH ------------------------------------------------------------------

TEST(RedisStores, SelectsTheDatabaseNamedInTheUrl) {
    RedisServer server;
    ASSERT_TRUE(server.start());
    const std::string base = "redis://127.0.0.1:" + std::to_string(server.port());
    auto db0 = open_redis_stores(base + "/0", 1);
    auto db3 = open_redis_stores(base + "/3", 1);
    db3.sessions->put("k", make_session("u", 1000, 2000));
    EXPECT_TRUE(db3.sessions->get("k", 1500).has_value());
    EXPECT_FALSE(db0.sessions->get("k", 1500).has_value());
    EXPECT_EQ(raw_integer(base + "/3", {"EXISTS", "signet:session:k"}), 1);
    EXPECT_EQ(raw_integer(base + "/0", {"EXISTS", "signet:session:k"}), 0);
    // A database the server does not have is refused at open.
    const std::string message = store_error_of([&] { open_redis_stores(base + "/99", 1); });
    EXPECT_TRUE(message.starts_with("redis: SELECT 99 failed")) << message;
}

TEST(RedisStores, KeysStartWithSignetUnlessTheUrlNamesAPrefix) {
    RedisServer server;
    ASSERT_TRUE(server.start());
    auto stores = open_redis_stores(server.url(), 1);
    stores.sessions->put("k", make_session("u", 1000, 2000));
    stores.rate_limits->hit("ip", 60, 1000);
    EXPECT_EQ(raw_integer(server.url(), {"EXISTS", "signet:session:k"}), 1);
    EXPECT_EQ(raw_integer(server.url(), {"EXISTS", "signet:user_sessions:u"}), 1);
    EXPECT_EQ(raw_integer(server.url(), {"EXISTS", "signet:rate:ip"}), 1);
    EXPECT_EQ(raw_integer(server.url(), {"DBSIZE"}), 3);
}

TEST(RedisStores, TwoPrefixesOnOneServerDoNotSeeEachOther) {
    const std::string url_a = test_redis_url();
    const std::string url_b = test_redis_url();
    ASSERT_NE(prefix_of(url_a), prefix_of(url_b));
    auto a = open_redis_stores(url_a, 1);
    auto b = open_redis_stores(url_b, 1);
    a.sessions->put("k", make_session("u", 1000, 2000));
    EXPECT_FALSE(b.sessions->get("k", 1500).has_value());
    EXPECT_FALSE(b.sessions->remove("k"));
    EXPECT_EQ(b.sessions->remove_user("u"), 0U);
    EXPECT_TRUE(a.sessions->get("k", 1500).has_value());
    EXPECT_EQ(raw_integer(url_a, {"EXISTS", prefix_of(url_a) + "session:k"}), 1);

    a.rate_limits->hit("ip", 60, 1000);
    EXPECT_EQ(b.rate_limits->hit("ip", 60, 1000).count, 1);
    EXPECT_EQ(a.rate_limits->hit("ip", 60, 1000).count, 2);
}

TEST(RedisStores, AuthenticatesWithThePasswordAndRefusesAWrongOne) {
    RedisServer server(RedisServer::Options{.password = "correct-horse"});
    ASSERT_TRUE(server.start());
    const std::string host = "127.0.0.1:" + std::to_string(server.port());

    auto stores = open_redis_stores(server.url(), 1);
    stores.sessions->put("k", make_session("u", 1000, 2000));
    EXPECT_TRUE(stores.sessions->get("k", 1500).has_value());
    // user:password is the Redis 6 ACL form; requirepass is the password of user "default".
    auto acl = open_redis_stores("redis://default:correct-horse@" + host, 1);
    EXPECT_TRUE(acl.sessions->get("k", 1500).has_value());

    const std::string wrong =
        store_error_of([&] { open_redis_stores("redis://:wrong-battery@" + host, 1); });
    EXPECT_TRUE(wrong.starts_with("redis: authentication to " + host + " failed")) << wrong;
    EXPECT_EQ(wrong.find("wrong-battery"), std::string::npos) << wrong;
    const std::string none = store_error_of([&] { open_redis_stores("redis://" + host, 1); });
    EXPECT_NE(none.find("NOAUTH"), std::string::npos) << none;
}

// --- failures and recovery ----------------------------------------------------------------------

TEST(RedisStores, FailsPromptlyWhileRedisIsDownAndRecoversWhenItIsBack) {
    RedisServer server;
    ASSERT_TRUE(server.start());
    auto stores = open_redis_stores(server.url("recovery:"), 2);
    stores.sessions->put("k", make_session("u", 1000, 2000));
    EXPECT_EQ(stores.rate_limits->hit("ip", 60, 1000).count, 1);

    server.stop();
    for (int i = 0; i < 3; ++i) {
        const auto started = Clock::now();
        const std::string message =
            store_error_of([&] { stores.rate_limits->hit("ip", 60, 1000); });
        EXPECT_LT(Clock::now() - started, kPromptly);
        EXPECT_TRUE(message.starts_with("redis: ")) << message;
        EXPECT_NE(message.find("127.0.0.1:" + std::to_string(server.port())), std::string::npos)
            << message;
    }
    store_error_of([&] { stores.sessions->get("k", 1500); });

    // Same port, empty data (no persistence): the very same store objects work again.
    ASSERT_TRUE(server.start());
    EXPECT_EQ(stores.rate_limits->hit("ip", 60, 1000).count, 1);
    EXPECT_FALSE(stores.sessions->get("k", 1500).has_value());
    stores.sessions->put("k", make_session("u", 1000, 2000));
    EXPECT_TRUE(stores.sessions->get("k", 1500).has_value());
}

TEST(RedisStores, PooledConnectionsSurviveACrashAndRestartBetweenCalls) {
    RedisServer server;
    ASSERT_TRUE(server.start());
    auto stores = open_redis_stores(server.url("crash:"), 4);
    // Fill the pool with idle connections to the server that is about to die.
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 20; ++i)
                stores.rate_limits->hit("warm-" + std::to_string(t), 60, 1000);
        });
    }
    for (auto& thread : threads)
        thread.join();
    server.kill9();
    ASSERT_TRUE(server.start());
    // Stale connections are noticed before use: no call fails after the restart.
    for (int i = 1; i <= 6; ++i) {
        EXPECT_EQ(stores.rate_limits->hit("ip", 60, 1000).count, i);
    }
}

TEST(RedisStores, AHungServerTimesOutInsteadOfBlocking) {
    RedisServer server;
    ASSERT_TRUE(server.start());
    auto stores = open_redis_stores(server.url("hung:"), 1);
    EXPECT_EQ(stores.rate_limits->hit("ip", 60, 1000).count, 1);

    server.pause();  // accepts connections (the kernel does), answers nothing
    const auto started = Clock::now();
    const std::string message = store_error_of([&] { stores.rate_limits->hit("ip", 60, 1000); });
    EXPECT_LT(Clock::now() - started, kPromptly);
    EXPECT_NE(message.find("no answer within the timeout"), std::string::npos) << message;

    server.resume();
    // The store answers again. The hit that timed out may have been applied when Redis woke up
    // (only its reply was lost), so the count is 2 or 3.
    const auto count = stores.rate_limits->hit("ip", 60, 1000).count;
    EXPECT_GE(count, 2);
    EXPECT_LE(count, 3);
}

TEST(RedisConnectionPool, ACallerWaitsABoundedTimeForAFreeConnection) {
    RedisServer server;
    ASSERT_TRUE(server.start());
    redis::ConnectionPool pool(redis::parse_redis_url(server.url()), 1);
    {
        auto held = pool.acquire();
        const auto started = Clock::now();
        const std::string message = store_error_of([&] { pool.acquire(); });
        const auto waited = Clock::now() - started;
        EXPECT_GE(waited, redis::kAcquireTimeout - std::chrono::milliseconds(100));
        EXPECT_LT(waited, kPromptly);
        EXPECT_TRUE(message.starts_with("redis: no free connection")) << message;
    }
    // Given back, it is lent again.
    auto again = pool.acquire();
    EXPECT_EQ(redis::as_string(*again->checked("PING", {"PING"}), "PING"), "PONG");
}

// --- bounded state ------------------------------------------------------------------------------

TEST(RedisStores, SessionKeysAndUserIndexesExpireWithTheLongestSession) {
    const std::string url = test_redis_url();
    const std::string prefix = prefix_of(url);
    auto stores = open_redis_stores(url, 1);
    stores.sessions->put("short", make_session("u", 1000, 2000));  // lives 1000 s
    stores.sessions->put("long", make_session("u", 1000, 9000));   // lives 8000 s
    const auto short_ttl = raw_integer(url, {"TTL", prefix + "session:short"});
    EXPECT_GT(short_ttl, 990);
    EXPECT_LE(short_ttl, 1000);
    const auto long_ttl = raw_integer(url, {"TTL", prefix + "session:long"});
    EXPECT_GT(long_ttl, 7990);
    EXPECT_LE(long_ttl, 8000);
    // The user's index lives as long as the longest session, and a shorter one does not cut it.
    stores.sessions->put("later-short", make_session("u", 1000, 1500));
    const auto index_ttl = raw_integer(url, {"TTL", prefix + "user_sessions:u"});
    EXPECT_GT(index_ttl, 7990);
    EXPECT_LE(index_ttl, 8000);
}

// put has no clock: the TTL counts from the earliest the code can have been issued (60 s before it
// expires), never ending before keep_until. A redemption sets it to keep_until - now exactly.
TEST(RedisStores, AuthorizationCodeKeysExpireWithTheCodeThenAtRememberUntil) {
    const std::string url = test_redis_url();
    const std::string prefix = prefix_of(url);
    auto stores = open_redis_stores(url, 1);
    // Unused, a code lives in Redis no longer than the code itself.
    stores.authorization_codes->put("k", make_code("app", 1060), 1000);
    const auto stored_ttl = raw_integer(url, {"TTL", prefix + "code:k"});
    EXPECT_GT(stored_ttl, 50);
    EXPECT_LE(stored_ttl, 60);
    ASSERT_EQ(stores.authorization_codes->redeem("k", 1020, 1620).outcome, CodeRedemption::first);
    const auto redeemed_ttl = raw_integer(url, {"TTL", prefix + "code:k"});
    EXPECT_GT(redeemed_ttl, 590);
    EXPECT_LE(redeemed_ttl, 600);
    // Forgotten by the caller's clock, whatever Redis's TTL says: the key is deleted.
    EXPECT_EQ(stores.authorization_codes->redeem("k", 1620, 2220).outcome, CodeRedemption::unknown);
    EXPECT_EQ(raw_integer(url, {"EXISTS", prefix + "code:k"}), 0);
}

TEST(RedisStores, RateLimitKeysExpireAboutOneWindowAfterItStarts) {
    const std::string url = test_redis_url();
    const std::string prefix = prefix_of(url);
    auto stores = open_redis_stores(url, 1);
    stores.rate_limits->hit("ip", 60, 1000);
    const auto first = raw_integer(url, {"TTL", prefix + "rate:ip"});
    EXPECT_GT(first, 55);
    EXPECT_LE(first, 61);
    // Later hits keep the end of the same window, not a fresh minute.
    stores.rate_limits->hit("ip", 60, 1050);
    const auto later = raw_integer(url, {"TTL", prefix + "rate:ip"});
    EXPECT_GT(later, 5);
    EXPECT_LE(later, 11);
    stores.rate_limits->release("ip", 1051);
    EXPECT_GT(raw_integer(url, {"TTL", prefix + "rate:ip"}), 0);
    stores.rate_limits->reset("ip");
    EXPECT_EQ(raw_integer(url, {"EXISTS", prefix + "rate:ip"}), 0);
}

}  // namespace
}  // namespace signet::server
