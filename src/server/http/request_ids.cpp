// The prefix tells apart the logs of restarts and nodes; the counter orders a node's requests.
#include "server/http/request_ids.hpp"

#include <charconv>
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
    // Built in place (one string, within the small-string buffer up to 16^6 requests).
    std::string id = prefix_;
    id.push_back('-');
    char digits[16];
    const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n, 16);
    (void)ec;
    id.append(digits, end);
    return id;
}

}  // namespace signet::server::http
