// The cluster test harness.
#include "server/cluster/cluster.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <thread>

namespace signet::test {

Cluster::Cluster(ClusterOptions options)
    : options_(std::move(options)), issuer_(nginx_.base_url()) {}

::testing::AssertionResult Cluster::start() {
    std::vector<std::uint16_t> ports;
    for (int i = 0; i < options_.nodes; ++i) {
        EnvVars env = {{"SIGNET_KEY_RELOAD_INTERVAL", "1"},
                       {"SIGNET_LOG_REQUESTS", "false"},
                       // A cheap Argon2id: these tests are about the deployment, not the hash.
                       {"SIGNET_ARGON2_MEMORY_KIB", "8192"},
                       {"SIGNET_ARGON2_ITERATIONS", "1"}};
        env.insert(env.end(), options_.env.begin(), options_.env.end());
        auto node = std::make_unique<ServerProcess>(ServerOptions(
            {"--database-url", options_.database_url, "--redis-url", options_.redis_url, "--issuer",
             issuer_, "--trusted-proxies", "127.0.0.1/32"},
            env));
        auto started = node->start();
        if (!started) return started << " (node " << i << ")";
        ports.push_back(node->port());
        nodes_.push_back(std::move(node));
    }
    return nginx_.start(ports);
}

CommandResult Cluster::cli(std::vector<std::string> args) {
    args.insert(args.end(),
                {"--database-url", options_.database_url, "--redis-url", options_.redis_url});
    return run_cli(args, {},
                   {{"SIGNET_ARGON2_MEMORY_KIB", "8192"}, {"SIGNET_ARGON2_ITERATIONS", "1"}});
}

std::optional<std::chrono::milliseconds> within(std::chrono::milliseconds limit,
                                                const std::function<bool()>& probe) {
    const auto start = std::chrono::steady_clock::now();
    while (true) {
        if (probe()) {
            return std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - start);
        }
        if (std::chrono::steady_clock::now() - start > limit) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

}  // namespace signet::test
