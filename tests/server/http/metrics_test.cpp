// Metrics: the Prometheus text exposition parsed back (HELP/TYPE, samples, histogram invariants).
#include "server/http/metrics.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

namespace signet::server::http {
namespace {

struct Exposition {
    std::map<std::string, std::string> help, type;  // by family
    std::map<std::string, double> samples;          // "name{labels}" -> value
    std::vector<std::string> order;                 // sample keys in order
};

// Parses the text format; fails the test on any line it does not understand.
Exposition parse(const std::string& text) {
    Exposition out;
    std::istringstream lines(text);
    std::string line;
    std::set<std::string> declared;
    EXPECT_TRUE(!text.empty() && text.back() == '\n');
    while (std::getline(lines, line)) {
        if (line.rfind("# HELP ", 0) == 0) {
            const auto rest = line.substr(7);
            const auto space = rest.find(' ');
            out.help[rest.substr(0, space)] = rest.substr(space + 1);
            continue;
        }
        if (line.rfind("# TYPE ", 0) == 0) {
            const auto rest = line.substr(7);
            const auto space = rest.find(' ');
            const auto family = rest.substr(0, space);
            EXPECT_TRUE(out.help.count(family)) << "TYPE before HELP for " << family;
            out.type[family] = rest.substr(space + 1);
            declared.insert(family);
            continue;
        }
        const auto space = line.rfind(' ');
        if (space == std::string::npos) {
            ADD_FAILURE() << "unparsable line: " << line;
            continue;
        }
        const auto key = line.substr(0, space);
        std::string name = key.substr(0, key.find('{'));
        bool known = declared.count(name) > 0;
        for (const char* suffix : {"_bucket", "_sum", "_count"}) {
            const std::string s(suffix);
            if (!known && name.size() > s.size() &&
                name.compare(name.size() - s.size(), s.size(), s) == 0) {
                known = declared.count(name.substr(0, name.size() - s.size())) > 0;
            }
        }
        EXPECT_TRUE(known) << "sample without TYPE: " << line;
        size_t used = 0;
        const double value = std::stod(line.substr(space + 1), &used);
        EXPECT_EQ(used, line.size() - space - 1) << line;
        EXPECT_FALSE(out.samples.count(key)) << "duplicate sample " << key;
        out.samples[key] = value;
        out.order.push_back(key);
    }
    return out;
}

TEST(Metrics, EmptyExpositionDeclaresEveryFamily) {
    Metrics metrics;
    const auto exposition = parse(metrics.render());
    const std::map<std::string, std::string> families = {
        {"signet_http_requests_total", "counter"},
        {"signet_http_request_duration_seconds", "histogram"},
        {"signet_logins_total", "counter"},
        {"signet_tokens_issued_total", "counter"},
        {"signet_tokens_verified_total", "counter"},
        {"signet_tokens_rejected_total", "counter"},
        {"signet_http_connections_open", "gauge"},
    };
    for (const auto& [family, type] : families) {
        EXPECT_EQ(exposition.type.count(family), 1u) << family;
        EXPECT_EQ(exposition.type.at(family), type) << family;
        EXPECT_FALSE(exposition.help.at(family).empty()) << family;
    }
    EXPECT_EQ(exposition.samples.at("signet_logins_total{result=\"ok\"}"), 0);
    EXPECT_EQ(exposition.samples.at("signet_tokens_issued_total"), 0);
    EXPECT_EQ(exposition.samples.at("signet_http_connections_open"), 0);
}

TEST(Metrics, CountsRequestsByRouteAndStatus) {
    Metrics metrics;
    metrics.observe_request("/v1/me", 200, 0.0001);
    metrics.observe_request("/v1/me", 200, 0.0002);
    metrics.observe_request("/v1/me", 401, 0.0003);
    metrics.observe_request("/v1/login", 200, 0.3);
    const auto e = parse(metrics.render());
    EXPECT_EQ(e.samples.at(R"(signet_http_requests_total{route="/v1/me",status="200"})"), 2);
    EXPECT_EQ(e.samples.at(R"(signet_http_requests_total{route="/v1/me",status="401"})"), 1);
    EXPECT_EQ(e.samples.at(R"(signet_http_requests_total{route="/v1/login",status="200"})"), 1);
}

TEST(Metrics, HistogramBucketsAreCumulativeWithInfEqualToCount) {
    Metrics metrics;
    const std::vector<double> observations = {0.0004, 0.0005, 0.003, 0.02, 0.7, 2.0, 9.0};
    double sum = 0;
    for (double s : observations) {
        metrics.observe_request("/x", 200, s);
        sum += s;
    }
    const auto e = parse(metrics.render());
    const std::vector<std::pair<std::string, double>> expected = {
        {"0.0005", 2}, {"0.001", 2}, {"0.0025", 2}, {"0.005", 3}, {"0.01", 3},
        {"0.025", 4},  {"0.05", 4},  {"0.1", 4},    {"0.25", 4},  {"0.5", 4},
        {"1", 5},      {"2.5", 6},   {"+Inf", 7}};
    std::vector<std::string> bucket_keys;
    for (const auto& key : e.order) {
        if (key.rfind("signet_http_request_duration_seconds_bucket", 0) == 0) {
            bucket_keys.push_back(key);
        }
    }
    ASSERT_EQ(bucket_keys.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const auto key = "signet_http_request_duration_seconds_bucket{route=\"/x\",le=\"" +
                         expected[i].first + "\"}";
        EXPECT_EQ(bucket_keys[i], key);
        EXPECT_EQ(e.samples.at(key), expected[i].second) << key;
    }
    EXPECT_EQ(e.samples.at(R"(signet_http_request_duration_seconds_count{route="/x"})"), 7);
    EXPECT_NEAR(e.samples.at(R"(signet_http_request_duration_seconds_sum{route="/x"})"), sum, 1e-9);
}

TEST(Metrics, CountsLoginsTokensAndConnections) {
    Metrics metrics;
    metrics.login(true);
    metrics.login(false);
    metrics.login(false);
    metrics.token_issued();
    metrics.token_verified();
    metrics.token_verified();
    metrics.token_rejected("expired");
    metrics.token_rejected("bad_signature");
    metrics.token_rejected("expired");
    metrics.set_connections(5);
    const auto e = parse(metrics.render());
    EXPECT_EQ(e.samples.at(R"(signet_logins_total{result="ok"})"), 1);
    EXPECT_EQ(e.samples.at(R"(signet_logins_total{result="failed"})"), 2);
    EXPECT_EQ(e.samples.at("signet_tokens_issued_total"), 1);
    EXPECT_EQ(e.samples.at("signet_tokens_verified_total"), 2);
    EXPECT_EQ(e.samples.at(R"(signet_tokens_rejected_total{reason="expired"})"), 2);
    EXPECT_EQ(e.samples.at(R"(signet_tokens_rejected_total{reason="bad_signature"})"), 1);
    EXPECT_EQ(e.samples.at("signet_http_connections_open"), 5);
}

TEST(Metrics, EscapesLabelValues) {
    Metrics metrics;
    metrics.token_rejected("a\"b\\c\nd");
    const auto text = metrics.render();
    EXPECT_NE(text.find(R"(signet_tokens_rejected_total{reason="a\"b\\c\nd"} 1)"),
              std::string::npos)
        << text;
}

TEST(Metrics, ConcurrentObservationsAreAllCounted) {
    Metrics metrics;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&metrics] {
            for (int i = 0; i < 1000; ++i) {
                metrics.observe_request("/healthz", 200, 0.0001);
                metrics.token_verified();
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    const auto e = parse(metrics.render());
    EXPECT_EQ(e.samples.at(R"(signet_http_requests_total{route="/healthz",status="200"})"), 4000);
    EXPECT_EQ(e.samples.at("signet_tokens_verified_total"), 4000);
}

TEST(Metrics, CollectorsAreReadAtEveryRenderAndDeclared) {
    Metrics metrics;
    double fetches = 1;
    metrics.add_collector([&fetches] {
        return std::vector<Metrics::Sample>{
            {"signet_jwks_fetches_total", "counter", "JWKS fetches.", fetches},
            {"signet_jwks_stale", "gauge", "1 while stale.", 0}};
    });
    const auto first = parse(metrics.render());
    EXPECT_EQ(first.samples.at("signet_jwks_fetches_total"), 1);
    EXPECT_EQ(first.type.at("signet_jwks_fetches_total"), "counter");
    EXPECT_EQ(first.help.at("signet_jwks_fetches_total"), "JWKS fetches.");
    EXPECT_EQ(first.type.at("signet_jwks_stale"), "gauge");
    EXPECT_EQ(first.samples.at("signet_jwks_stale"), 0);
    fetches = 7;
    EXPECT_EQ(parse(metrics.render()).samples.at("signet_jwks_fetches_total"), 7)
        << "the value is read when rendered, not when added";
}

}  // namespace
}  // namespace signet::server::http
