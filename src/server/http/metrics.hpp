// Prometheus metrics (text exposition format 0.0.4): request counts and latency histograms by route
// and status, logins, tokens issued, verified and rejected by reason, and the values of collectors
// (a remote key source's counters). Thread-safe and cheap: each thread counts in a shard of its
// own.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace signet::server::http {

class Metrics {
  public:
    Metrics();
    Metrics(const Metrics&) = delete;
    Metrics& operator=(const Metrics&) = delete;

    void observe_request(std::string_view route, unsigned status, double seconds);
    void login(bool ok);
    void token_issued();
    void token_verified();
    void token_rejected(std::string_view reason);  // an Errc name such as "expired"
    void set_connections(std::int64_t open);

    // One value that something else keeps (its own counters), read at each render.
    struct Sample {
        std::string name;  // signet_..., unique across collectors
        std::string type;  // "counter" or "gauge"
        std::string help;
        double value = 0;
    };
    using Collector = std::function<std::vector<Sample>()>;
    // Called by every render() from then on; the collector must outlive this object's use.
    void add_collector(Collector collector);

    std::string render() const;  // the text exposition

  private:
    // Upper bounds of the latency buckets in seconds; +Inf is the count.
    static constexpr std::array<double, 12> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
    struct RouteStats {
        std::map<unsigned, std::uint64_t> by_status;
        std::array<std::uint64_t, 12> buckets{};  // non-cumulative; rendered cumulatively
        std::uint64_t count = 0;
        double sum = 0;
    };

    // What one thread counted. Each thread that answers requests updates a shard of its own, so
    // the hot path takes only a lock nobody else wants (render() merges the shards under their
    // locks) and no cache line moves between cores per request.
    struct Shard {
        std::mutex mutex;
        std::map<std::string, RouteStats, std::less<>> routes;  // looked up by string_view
        std::map<std::string, std::uint64_t, std::less<>> rejected;
    };
    Shard& shard() const;  // the calling thread's, made at its first use

    const std::uint64_t id_;    // tells apart instances that reuse one address
    mutable std::mutex mutex_;  // shards_ and collectors_
    mutable std::vector<std::unique_ptr<Shard>> shards_;
    std::vector<Collector> collectors_;
    std::atomic<std::uint64_t> logins_ok_{0}, logins_failed_{0};
    std::atomic<std::uint64_t> issued_{0}, verified_{0};
    std::atomic<std::int64_t> connections_{0};
};

}  // namespace signet::server::http
