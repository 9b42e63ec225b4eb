// The remote key source against a real HTTP(S) server on loopback: first fetch, rotation picked
// up on an unknown "kid", the cooldown under a flood of unknown "kid"s (single flight), caching
// by Cache-Control and ETag, stale-while-error and its limit, recovery, limits, timeouts,
// redirects, TLS verification, and discovery (OpenID Connect Discovery 1.0 §4, RFC 8414 §3).
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <random>
#include <thread>
#include <vector>

#include "jwks_client/support/jwks_test_server.hpp"
#include "signet/jwks_client.hpp"
#include "signet/signet.hpp"

namespace signet {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using test::CannedResponse;
using test::JwksTestServer;

const std::string kIssuer = "https://issuer.example";

Jwk signing_key(const std::string& kid, Algorithm alg = Algorithm::ES256) {
    KeyGenOptions options;
    options.kid = kid;
    return Jwk::generate(alg, options).value();
}

std::string jwks_of(std::initializer_list<const Jwk*> keys) {
    json::array array;
    for (const Jwk* key : keys)
        array.push_back(key->public_key().value().to_json());
    return json::serialize(json::object{{"keys", array}});
}

CannedResponse jwks_answer(std::string body, std::string cache_control = "") {
    CannedResponse r;
    r.body = std::move(body);
    if (!cache_control.empty()) r.headers.emplace_back("Cache-Control", std::move(cache_control));
    return r;
}

std::string token_by(const Jwk& key) {
    const auto now =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    Claims claims;
    claims.set_issuer(kIssuer);
    claims.set_subject("user-1");
    claims.set_expires_at(now + 10min);
    return Signer::create(key).value().sign(claims).value();
}

// Options that fetch from `server` quickly: short bounds so that the tests run in seconds.
RemoteJwksOptions fast_options(const JwksTestServer& server, const std::string& path = "/jwks") {
    RemoteJwksOptions o;
    o.jwks_uri = server.url(path);
    o.allow_http = true;
    o.min_max_age = 1s;
    o.default_max_age = 60s;
    o.unknown_kid_cooldown = 0s;
    o.request_timeout = 3s;
    return o;
}

CannedResponse status_answer(unsigned status, std::string body = "") {
    CannedResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

CannedResponse redirect_to(std::string location, unsigned status = 301) {
    CannedResponse r = status_answer(status);
    r.headers.emplace_back("Location", std::move(location));
    return r;
}

CannedResponse dropped_connection() {
    CannedResponse r;
    r.close_without_answer = true;
    return r;
}

JwksTestServer::Options https_for(std::vector<std::string> names = {"127.0.0.1", "localhost"}) {
    JwksTestServer::Options o;
    o.tls = true;
    o.certificate_names = std::move(names);
    return o;
}

Verifier verifier_over(std::shared_ptr<KeySource> source) {
    VerifierOptions o;
    o.key_source = std::move(source);
    o.issuers = {kIssuer};
    return Verifier::create(std::move(o)).value();
}

// Polls `condition` every 20 ms for up to `limit`.
template <class F>
bool eventually(F condition, std::chrono::milliseconds limit = 8s) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
        if (condition()) return true;
        std::this_thread::sleep_for(20ms);
    }
    return condition();
}

TEST(RemoteJwks, LoadsTheSetAndVerifiesWithIt) {
    JwksTestServer server;
    const Jwk key = signing_key("k1");
    server.set("/jwks", jwks_answer(jwks_of({&key})));
    auto source = RemoteJwks::load(fast_options(server));
    ASSERT_TRUE(source) << source.error().to_string();
    const Verifier verifier = verifier_over(*source);
    const auto claims = verifier.verify(token_by(key));
    ASSERT_TRUE(claims) << claims.error().to_string();
    EXPECT_EQ(claims->subject(), "user-1");
    const RemoteJwksStats stats = (*source)->stats();
    EXPECT_EQ(stats.fetches, 1u);
    EXPECT_EQ(stats.keys, 1u);
    EXPECT_FALSE(stats.stale);
    EXPECT_EQ(server.requests("/jwks"), 1u);
    EXPECT_EQ((*source)->jwks_uri(), server.url("/jwks"));
    EXPECT_NE(server.last_header("/jwks", "user-agent").find("signet/"), std::string::npos);
}

TEST(RemoteJwks, ARotatedKeyIsPickedUpOnItsFirstToken) {
    JwksTestServer server;
    const Jwk old_key = signing_key("old");
    const Jwk new_key = signing_key("new");
    server.set("/jwks", jwks_answer(jwks_of({&old_key}), "max-age=3600"));
    auto source = RemoteJwks::load(fast_options(server)).value();
    const Verifier verifier = verifier_over(source);
    ASSERT_TRUE(verifier.verify(token_by(old_key)));

    server.set("/jwks", jwks_answer(jwks_of({&old_key, &new_key}), "max-age=3600"));
    const auto claims = verifier.verify(token_by(new_key));
    ASSERT_TRUE(claims) << claims.error().to_string();
    EXPECT_EQ(server.requests("/jwks"), 2u);
    EXPECT_EQ(source->stats().unknown_kid_refreshes, 1u);
    // Known from now on: no more fetches.
    for (int i = 0; i < 20; ++i)
        ASSERT_TRUE(verifier.verify(token_by(new_key)));
    EXPECT_EQ(server.requests("/jwks"), 2u);
}

// A flood of tokens with random "kid"s from several threads costs the issuer one request per
// cooldown: none while the cooldown runs, exactly one (shared by every thread) once it is over.
TEST(RemoteJwks, AFloodOfUnknownKidsCostsOneFetchPerCooldown) {
    JwksTestServer server;
    const Jwk key = signing_key("k1");
    server.set("/jwks", jwks_answer(jwks_of({&key}), "max-age=3600"));
    RemoteJwksOptions options = fast_options(server);
    options.unknown_kid_cooldown = 2s;
    auto source = RemoteJwks::load(options).value();
    const Verifier verifier = verifier_over(source);
    const Jwk stranger = signing_key("stranger");

    const auto flood = [&](int threads, int per_thread) {
        std::atomic<int> refused{0};
        std::vector<std::thread> pool;
        for (int t = 0; t < threads; ++t) {
            pool.emplace_back([&, t] {
                std::mt19937 random(static_cast<unsigned>(t));
                for (int i = 0; i < per_thread; ++i) {
                    const Jwk forged = stranger.with_kid("kid-" + std::to_string(random()));
                    if (verifier.verify(token_by(forged)).code() == Errc::key_not_found) ++refused;
                }
            });
        }
        for (auto& th : pool)
            th.join();
        return refused.load();
    };
    EXPECT_EQ(flood(6, 50), 300);
    EXPECT_EQ(server.requests("/jwks"), 1u);  // the first fetch only: within the cooldown
    EXPECT_GE(source->stats().cooldown_skips, 300u);

    std::this_thread::sleep_for(2100ms);
    EXPECT_EQ(flood(6, 50), 300);
    EXPECT_EQ(server.requests("/jwks"), 2u);  // one for the whole flood
    EXPECT_EQ(source->stats().unknown_kid_refreshes, 1u);
    // The real key still verifies throughout.
    EXPECT_TRUE(verifier.verify(token_by(key)));
}

TEST(RemoteJwks, RefreshesInTheBackgroundBeforeMaxAgeRunsOutAndRevalidatesByEtag) {
    JwksTestServer server;
    const Jwk key = signing_key("k1");
    CannedResponse answer = jwks_answer(jwks_of({&key}), "max-age=2");
    answer.etag = "\"v1\"";
    server.set("/jwks", answer);
    auto source = RemoteJwks::load(fast_options(server)).value();
    // Refreshed at three quarters of max-age, with no token asking.
    ASSERT_TRUE(eventually([&] { return server.requests("/jwks") >= 2; }, 6s));
    EXPECT_EQ(server.last_header("/jwks", "if-none-match"), "\"v1\"");
    ASSERT_TRUE(eventually([&] { return source->stats().not_modified >= 1; }));
    EXPECT_EQ(source->stats().fetches, 1u);
    EXPECT_TRUE(verifier_over(source).verify(token_by(key)));
    EXPECT_FALSE(source->stats().stale);
}

TEST(RemoteJwks, MaxAgeIsHeldWithinTheConfiguredFloor) {
    JwksTestServer server;
    const Jwk key = signing_key("k1");
    server.set("/jwks", jwks_answer(jwks_of({&key}), "no-store"));
    RemoteJwksOptions options = fast_options(server);
    options.min_max_age = 4s;  // refresh due at 3 s, not at once
    auto source = RemoteJwks::load(options).value();
    std::this_thread::sleep_for(1500ms);
    EXPECT_EQ(server.requests("/jwks"), 1u);
}

TEST(RemoteJwks, ServesTheLastGoodSetWhileFetchesFailAndRecovers) {
    JwksTestServer server;
    const Jwk key = signing_key("k1");
    server.set("/jwks", jwks_answer(jwks_of({&key}), "max-age=1"));
    std::atomic<int> reported{0};
    RemoteJwksOptions options = fast_options(server);
    options.on_fetch_error = [&](const Error& e) {
        if (e.code() == Errc::fetch_failed || e.code() == Errc::bad_document) ++reported;
    };
    auto source = RemoteJwks::load(options).value();
    const Verifier verifier = verifier_over(source);

    server.set("/jwks", status_answer(500, "down"));
    ASSERT_TRUE(eventually([&] { return source->stats().failures >= 1; }));
    server.set("/jwks", jwks_answer("<html>maintenance</html>"));
    ASSERT_TRUE(eventually([&] { return source->stats().failures >= 2; }));
    EXPECT_GE(reported.load(), 2);
    ASSERT_TRUE(eventually([&] { return source->stats().stale; }));
    EXPECT_TRUE(verifier.verify(token_by(key)));  // stale, still serving
    EXPECT_EQ(source->stats().keys, 1u);

    server.set("/jwks", jwks_answer(jwks_of({&key}), "max-age=60"));
    ASSERT_TRUE(eventually([&] { return !source->stats().stale; }));
    EXPECT_EQ(source->stats().fetches, 2u);
    EXPECT_TRUE(verifier.verify(token_by(key)));
}

TEST(RemoteJwks, PastMaxStaleTheSetIsDroppedAndTokensFail) {
    JwksTestServer server;
    const Jwk key = signing_key("k1");
    server.set("/jwks", jwks_answer(jwks_of({&key}), "max-age=1"));
    RemoteJwksOptions options = fast_options(server);
    options.max_stale = 1s;
    auto source = RemoteJwks::load(options).value();
    const Verifier verifier = verifier_over(source);
    server.set("/jwks", status_answer(503));
    ASSERT_TRUE(eventually([&] { return source->current() == nullptr; }));
    EXPECT_EQ(verifier.verify(token_by(key)).code(), Errc::keys_unavailable);
    server.set("/jwks", jwks_answer(jwks_of({&key})));
    ASSERT_TRUE(eventually([&] { return source->current() != nullptr; }));
    EXPECT_TRUE(verifier.verify(token_by(key)));
}

TEST(RemoteJwks, UnusableDocumentsAreRefusedWithPreciseErrors) {
    JwksTestServer server;
    const Jwk es = signing_key("es");
    const Jwk ed = signing_key("ed", Algorithm::EdDSA);
    const Jwk rs = signing_key("rs", Algorithm::RS256);
    const Jwk hs = Jwk::generate(Algorithm::HS256).value();
    struct Case {
        const char* what;
        CannedResponse answer;
        std::size_t max_keys;
        Errc expected;
    };
    const std::vector<Case> cases = {
        {"not JSON", jwks_answer("{\"keys\": [ oops"), 100, Errc::bad_document},
        {"not a set", jwks_answer("[1,2,3]"), 100, Errc::bad_document},
        {"no keys", jwks_answer("{\"keys\":[]}"), 100, Errc::bad_document},
        {"too many keys", jwks_answer(jwks_of({&es, &ed, &rs})), 2, Errc::bad_document},
        {"a symmetric key",
         jwks_answer(json::serialize(json::object{{"keys", json::array{hs.to_json(true)}}})), 100,
         Errc::bad_document},
        {"a private key",
         jwks_answer(json::serialize(json::object{{"keys", json::array{es.to_json(true)}}})), 100,
         Errc::bad_document},
        {"HTTP 404", status_answer(404, "no"), 100, Errc::fetch_failed},
        {"a dropped connection", dropped_connection(), 100, Errc::fetch_failed},
    };
    for (const Case& c : cases) {
        server.set("/jwks", c.answer);
        RemoteJwksOptions options = fast_options(server);
        options.max_keys = c.max_keys;
        const auto source = RemoteJwks::load(options);
        ASSERT_FALSE(source) << c.what;
        EXPECT_EQ(source.code(), c.expected) << c.what << ": " << source.error().to_string();
    }
    // Exactly at the limit is fine.
    server.set("/jwks", jwks_answer(jwks_of({&es, &ed})));
    RemoteJwksOptions options = fast_options(server);
    options.max_keys = 2;
    EXPECT_TRUE(RemoteJwks::load(options));
}

TEST(RemoteJwks, OversizedAnswersAreCutOff) {
    JwksTestServer server;
    const Jwk key = signing_key("k1");
    std::string big = jwks_of({&key});
    big.insert(big.size() - 1, ",\"padding\":\"" + std::string(4096, 'x') + "\"");
    server.set("/jwks", jwks_answer(big));
    RemoteJwksOptions options = fast_options(server);
    options.max_response_bytes = 2048;
    const auto refused = RemoteJwks::load(options);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.code(), Errc::fetch_failed);
    EXPECT_NE(refused.error().message().find("larger than 2048 bytes"), std::string::npos)
        << refused.error().message();
    options.max_response_bytes = 64 * 1024;
    EXPECT_TRUE(RemoteJwks::load(options));
}

TEST(RemoteJwks, ASlowIssuerTimesOutAndShutdownDoesNotWaitForIt) {
    JwksTestServer server;
    const Jwk key = signing_key("k1");
    CannedResponse slow = jwks_answer(jwks_of({&key}));
    slow.delay = 5s;
    server.set("/jwks", slow);
    RemoteJwksOptions options = fast_options(server);
    options.request_timeout = 300ms;
    auto started = std::chrono::steady_clock::now();
    const auto refused = RemoteJwks::load(options);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.code(), Errc::fetch_failed);
    EXPECT_NE(refused.error().message().find("timed out"), std::string::npos)
        << refused.error().message();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);

    // Destroying a source whose fetch is in flight aborts the fetch.
    options.request_timeout = 10s;
    started = std::chrono::steady_clock::now();
    {
        auto source = RemoteJwks::create(options).value();
        ASSERT_TRUE(eventually([&] { return server.requests("/jwks") >= 2; }));
    }
    EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

TEST(RemoteJwks, RedirectsAreRefusedUnlessAllowed) {
    JwksTestServer server;
    const Jwk key = signing_key("k1");
    server.set("/old", redirect_to("/jwks"));
    server.set("/jwks", jwks_answer(jwks_of({&key})));
    RemoteJwksOptions options = fast_options(server, "/old");
    const auto refused = RemoteJwks::load(options);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.code(), Errc::fetch_failed);
    EXPECT_NE(refused.error().message().find("redirect"), std::string::npos);
    EXPECT_EQ(server.requests("/jwks"), 0u);
    options.max_redirects = 1;
    auto source = RemoteJwks::load(options);
    ASSERT_TRUE(source) << source.error().to_string();
    EXPECT_TRUE(verifier_over(*source).verify(token_by(key)));
    // A loop runs out of redirects.
    server.set("/jwks", redirect_to("/old", 302));
    EXPECT_EQ(RemoteJwks::load(options).code(), Errc::fetch_failed);
}

TEST(RemoteJwks, HttpsVerifiesTheCertificateAndTheHostName) {
    JwksTestServer server(https_for());
    const Jwk key = signing_key("k1");
    server.set("/jwks", jwks_answer(jwks_of({&key})));
    RemoteJwksOptions options;
    options.jwks_uri = server.url("/jwks");
    options.ca_file = server.ca_file();
    auto source = RemoteJwks::load(options);
    ASSERT_TRUE(source) << source.error().to_string();
    EXPECT_TRUE(verifier_over(*source).verify(token_by(key)));

    // Not trusted: the system store does not know the test CA, nor does another CA.
    options.ca_file.clear();
    const auto system_store = RemoteJwks::load(options);
    EXPECT_EQ(system_store.code(), Errc::fetch_failed);
    EXPECT_NE(system_store.error().message().find("TLS"), std::string::npos)
        << system_store.error().message();
    const test::TestCa other_ca;
    const auto other_file = std::filesystem::temp_directory_path() /
                            ("signet-other-ca-" + std::to_string(::getpid()) + ".pem");
    other_ca.write_certificate(other_file);
    options.ca_file = other_file.string();
    EXPECT_EQ(RemoteJwks::load(options).code(), Errc::fetch_failed);
    std::filesystem::remove(other_file);

    // Trusted CA, wrong name: the certificate is for wrong.example, not 127.0.0.1.
    JwksTestServer misnamed(https_for({"wrong.example"}));
    misnamed.set("/jwks", jwks_answer(jwks_of({&key})));
    options.jwks_uri = misnamed.url("/jwks");
    options.ca_file = misnamed.ca_file();
    EXPECT_EQ(RemoteJwks::load(options).code(), Errc::fetch_failed);
    // A name the certificate does cover, resolving to the same server, is accepted.
    JwksTestServer named(https_for({"localhost"}));
    named.set("/jwks", jwks_answer(jwks_of({&key})));
    options.jwks_uri = "https://localhost:" + std::to_string(named.port()) + "/jwks";
    options.ca_file = named.ca_file();
    const auto by_name = RemoteJwks::load(options);
    EXPECT_TRUE(by_name) << by_name.error().to_string();

    // http:// is refused unless allowed by name.
    RemoteJwksOptions plain;
    plain.jwks_uri = "http://127.0.0.1:1/jwks";
    EXPECT_EQ(RemoteJwks::create(plain).code(), Errc::invalid_argument);
}

TEST(RemoteJwks, DiscoversTheJwksUriFromTheIssuer) {
    JwksTestServer server;
    const Jwk key = signing_key("k1");
    server.set("/keys", jwks_answer(jwks_of({&key})));
    server.set("/.well-known/openid-configuration",
               jwks_answer(json::serialize(
                   json::object{{"issuer", server.origin()}, {"jwks_uri", server.url("/keys")}})));
    RemoteJwksOptions options;
    options.issuer = server.origin();
    options.allow_http = true;
    auto source = RemoteJwks::load(options);
    ASSERT_TRUE(source) << source.error().to_string();
    EXPECT_EQ((*source)->jwks_uri(), server.url("/keys"));
    EXPECT_EQ(server.requests("/.well-known/oauth-authorization-server"), 0u);
    EXPECT_EQ((*source)->stats().keys, 1u);
}

TEST(RemoteJwks, FallsBackToAuthorizationServerMetadataForAnIssuerWithAPath) {
    JwksTestServer server;
    const Jwk key = signing_key("k1");
    const std::string issuer = server.url("/tenant");
    server.set("/keys", jwks_answer(jwks_of({&key})));
    server.set("/.well-known/oauth-authorization-server/tenant",
               jwks_answer(json::serialize(
                   json::object{{"issuer", issuer}, {"jwks_uri", server.url("/keys")}})));
    RemoteJwksOptions options;
    options.issuer = issuer;
    options.allow_http = true;
    auto source = RemoteJwks::load(options);
    ASSERT_TRUE(source) << source.error().to_string();
    EXPECT_EQ(server.requests("/tenant/.well-known/openid-configuration"), 1u);  // tried first
    EXPECT_EQ((*source)->jwks_uri(), server.url("/keys"));
}

TEST(RemoteJwks, DiscoveryRefusesADocumentForAnotherIssuer) {
    JwksTestServer server;
    const Jwk key = signing_key("k1");
    server.set("/keys", jwks_answer(jwks_of({&key})));
    server.set("/.well-known/openid-configuration",
               jwks_answer(json::serialize(json::object{{"issuer", "https://evil.example"},
                                                        {"jwks_uri", server.url("/keys")}})));
    RemoteJwksOptions options;
    options.issuer = server.origin();
    options.allow_http = true;
    const auto refused = RemoteJwks::load(options);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.code(), Errc::bad_document);
    EXPECT_NE(refused.error().message().find("evil.example"), std::string::npos);
    EXPECT_EQ(server.requests("/keys"), 0u);

    // No metadata at all.
    JwksTestServer empty;
    options.issuer = empty.origin();
    EXPECT_EQ(RemoteJwks::load(options).code(), Errc::fetch_failed);
}

TEST(RemoteJwks, OptionsAreValidated) {
    RemoteJwksOptions both;
    both.jwks_uri = "https://a.example/jwks";
    both.issuer = "https://a.example";
    EXPECT_EQ(RemoteJwks::create(both).code(), Errc::invalid_argument);
    EXPECT_EQ(RemoteJwks::create({}).code(), Errc::invalid_argument);
    RemoteJwksOptions bounds;
    bounds.jwks_uri = "https://a.example/jwks";
    bounds.min_max_age = 100s;
    bounds.max_max_age = 10s;
    EXPECT_EQ(RemoteJwks::create(bounds).code(), Errc::invalid_argument);
    RemoteJwksOptions ca;
    ca.jwks_uri = "https://a.example/jwks";
    ca.ca_file = "/nonexistent/ca.pem";
    const auto missing = RemoteJwks::create(ca);
    EXPECT_EQ(missing.code(), Errc::invalid_argument);
    EXPECT_NE(missing.error().message().find("/nonexistent/ca.pem"), std::string::npos);
}

// Many threads verify while the refresher replaces the set every second and unknown "kid"s ask
// for refreshes: every answer is a success or a precise refusal (run under TSan in CI).
TEST(RemoteJwks, ConcurrentVerificationAndRefresh) {
    JwksTestServer server;
    const Jwk a = signing_key("a");
    const Jwk b = signing_key("b");
    server.set("/jwks", jwks_answer(jwks_of({&a}), "max-age=1"));
    auto source = RemoteJwks::load(fast_options(server)).value();
    const Verifier verifier = verifier_over(source);
    const std::string token_a = token_by(a);
    const std::string token_b = token_by(b);
    std::atomic<bool> stop{false};
    std::atomic<int> ok{0}, unexpected{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            while (!stop) {
                const auto r = verifier.verify(t % 2 == 0 ? token_a : token_b);
                if (r) {
                    ++ok;
                } else if (r.code() != Errc::key_not_found) {
                    ++unexpected;
                }
            }
        });
    }
    for (int round = 0; round < 6; ++round) {
        server.set("/jwks",
                   jwks_answer(round % 2 == 0 ? jwks_of({&a, &b}) : jwks_of({&a}), "max-age=1"));
        std::this_thread::sleep_for(300ms);
    }
    stop = true;
    for (auto& th : threads)
        th.join();
    EXPECT_GT(ok.load(), 0);
    EXPECT_EQ(unexpected.load(), 0);
    EXPECT_GE(server.requests("/jwks"), 2u);
}

}  // namespace
}  // namespace signet
