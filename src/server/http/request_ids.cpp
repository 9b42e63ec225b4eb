// The prefix tells apart the logs of restarts and nodes; the counter orders a node's requests.
#include "server/http/request_ids.hpp"

#include <cstdio>
#include <random>

namespace signet::server::http {

RequestIds::RequestIds() {
    std::random_device random;
    char prefix[16];
    std::snprintf(prefix, sizeof prefix, "%08x", static_cast<unsigned>(random()));
    prefix_ = prefix;
}

std::string RequestIds::next() {
    const std::uint64_t n = counter_.fetch_add(1, std::memory_order_relaxed) + 1;
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "-%llx", static_cast<unsigned long long>(n));
    return prefix_ + buffer;
}

}  // namespace signet::server::http
