// Prometheus text exposition format 0.0.4: HELP/TYPE lines, counters, a latency histogram, a gauge.
#include "server/http/metrics.hpp"

#include <charconv>

namespace signet::server::http {

namespace {

// Label values escape backslash, double quote and newline (exposition format 0.0.4).
void append_label_value(std::string& out, std::string_view value) {
    for (char c : value) {
        switch (c) {
            case '\\': out.append("\\\\"); break;
            case '"': out.append("\\\""); break;
            case '\n': out.append("\\n"); break;
            default: out.push_back(c);
        }
    }
}

void append_number(std::string& out, double value) {
    char buffer[32];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    if (ec == std::errc{}) out.append(buffer, end);
}

// The `le` labels as people write them (shortest round-trip formatting would give "5e-04").
constexpr std::array<std::string_view, 12> kBucketLabels{"0.0005", "0.001", "0.0025", "0.005",
                                                         "0.01",   "0.025", "0.05",   "0.1",
                                                         "0.25",   "0.5",   "1",      "2.5"};

void append_number(std::string& out, std::uint64_t value) {
    out.append(std::to_string(value));
}

void append_header(std::string& out, std::string_view name, std::string_view type,
                   std::string_view help) {
    out.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

}  // namespace

namespace {
std::atomic<std::uint64_t> next_metrics_id{1};
}  // namespace

Metrics::Metrics() : id_(next_metrics_id.fetch_add(1, std::memory_order_relaxed)) {}

Metrics::Shard& Metrics::shard() const {
    // The last instance this thread counted for, and its shard: the server has one.
    struct Cached {
        std::uint64_t id = 0;
        Shard* shard = nullptr;
    };
    thread_local std::vector<Cached> cache;
    for (const Cached& cached : cache) {
        if (cached.id == id_) return *cached.shard;
    }
    std::lock_guard lock(mutex_);
    shards_.push_back(std::make_unique<Shard>());
    Shard* made = shards_.back().get();
    // A thread that outlives many instances (a test runner) keeps only the latest few.
    if (cache.size() >= 8) cache.erase(cache.begin());
    cache.push_back(Cached{id_, made});
    return *made;
}

void Metrics::observe_request(std::string_view route, unsigned status, double seconds) {
    std::size_t bucket = 0;
    while (bucket < kBuckets.size() && seconds > kBuckets[bucket])
        ++bucket;
    Shard& mine = shard();
    std::lock_guard lock(mine.mutex);
    auto it = mine.routes.find(route);
    if (it == mine.routes.end()) it = mine.routes.emplace(std::string(route), RouteStats{}).first;
    RouteStats& stats = it->second;
    ++stats.by_status[status];
    if (bucket < kBuckets.size()) ++stats.buckets[bucket];
    ++stats.count;
    stats.sum += seconds;
}

void Metrics::login(bool ok) {
    ++(ok ? logins_ok_ : logins_failed_);
}
void Metrics::token_issued() {
    ++issued_;
}
void Metrics::token_verified() {
    ++verified_;
}

void Metrics::token_rejected(std::string_view reason) {
    Shard& mine = shard();
    std::lock_guard lock(mine.mutex);
    auto it = mine.rejected.find(reason);
    if (it == mine.rejected.end()) it = mine.rejected.emplace(std::string(reason), 0).first;
    ++it->second;
}

void Metrics::set_connections(std::int64_t open) {
    connections_ = open;
}

void Metrics::add_collector(Collector collector) {
    std::lock_guard lock(mutex_);
    collectors_.push_back(std::move(collector));
}

std::string Metrics::render() const {
    std::string out;
    out.reserve(4096);
    std::lock_guard lock(mutex_);
    // The shards' sums, in the order of the route and reason names.
    std::map<std::string, RouteStats, std::less<>> routes;
    std::map<std::string, std::uint64_t, std::less<>> rejected;
    for (const auto& shard : shards_) {
        std::lock_guard shard_lock(shard->mutex);
        for (const auto& [route, stats] : shard->routes) {
            RouteStats& sum = routes[route];
            for (const auto& [status, count] : stats.by_status)
                sum.by_status[status] += count;
            for (std::size_t i = 0; i < stats.buckets.size(); ++i)
                sum.buckets[i] += stats.buckets[i];
            sum.count += stats.count;
            sum.sum += stats.sum;
        }
        for (const auto& [reason, count] : shard->rejected)
            rejected[reason] += count;
    }

    append_header(out, "signet_http_requests_total", "counter",
                  "HTTP requests answered, by route and status.");
    for (const auto& [route, stats] : routes) {
        for (const auto& [status, count] : stats.by_status) {
            out.append("signet_http_requests_total{route=\"");
            append_label_value(out, route);
            out.append("\",status=\"").append(std::to_string(status)).append("\"} ");
            append_number(out, count);
            out.push_back('\n');
        }
    }

    append_header(out, "signet_http_request_duration_seconds", "histogram",
                  "Time from a complete request to its response, by route.");
    for (const auto& [route, stats] : routes) {
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i <= kBuckets.size(); ++i) {
            out.append("signet_http_request_duration_seconds_bucket{route=\"");
            append_label_value(out, route);
            out.append("\",le=\"");
            if (i < kBuckets.size()) {
                cumulative += stats.buckets[i];
                out.append(kBucketLabels[i]);
            } else {
                cumulative = stats.count;
                out.append("+Inf");
            }
            out.append("\"} ");
            append_number(out, cumulative);
            out.push_back('\n');
        }
        out.append("signet_http_request_duration_seconds_sum{route=\"");
        append_label_value(out, route);
        out.append("\"} ");
        append_number(out, stats.sum);
        out.append("\nsignet_http_request_duration_seconds_count{route=\"");
        append_label_value(out, route);
        out.append("\"} ");
        append_number(out, stats.count);
        out.push_back('\n');
    }

    append_header(out, "signet_logins_total", "counter", "Password logins, by result.");
    out.append("signet_logins_total{result=\"ok\"} ");
    append_number(out, logins_ok_.load());
    out.append("\nsignet_logins_total{result=\"failed\"} ");
    append_number(out, logins_failed_.load());
    out.push_back('\n');

    append_header(out, "signet_tokens_issued_total", "counter", "Access tokens issued.");
    out.append("signet_tokens_issued_total ");
    append_number(out, issued_.load());
    out.push_back('\n');

    append_header(out, "signet_tokens_verified_total", "counter",
                  "Access tokens that passed verification.");
    out.append("signet_tokens_verified_total ");
    append_number(out, verified_.load());
    out.push_back('\n');

    append_header(out, "signet_tokens_rejected_total", "counter",
                  "Access tokens refused, by reason.");
    for (const auto& [reason, count] : rejected) {
        out.append("signet_tokens_rejected_total{reason=\"");
        append_label_value(out, reason);
        out.append("\"} ");
        append_number(out, count);
        out.push_back('\n');
    }

    append_header(out, "signet_http_connections_open", "gauge", "Open client connections.");
    out.append("signet_http_connections_open ").append(std::to_string(connections_.load()));
    out.push_back('\n');

    for (const Collector& collector : collectors_) {
        for (const Sample& sample : collector()) {
            append_header(out, sample.name, sample.type, sample.help);
            out.append(sample.name).push_back(' ');
            append_number(out, sample.value);
            out.push_back('\n');
        }
    }
    return out;
}

}  // namespace signet::server::http
