// A scale-out deployment for tests: N `signet serve` nodes sharing one PostgreSQL database and one
// Redis, behind a real nginx running deploy/nginx.conf. Every node gets the same --issuer (nginx's
// URL) and trusts nginx's X-Forwarded-For.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server/integration/api_support.hpp"
#include "server/support/nginx_server.hpp"

namespace signet::test {

struct ClusterOptions {
    ClusterOptions(std::string database_url_, std::string redis_url_, EnvVars env_ = {})
        : database_url(std::move(database_url_)),
          redis_url(std::move(redis_url_)),
          env(std::move(env_)) {}

    std::string database_url;
    std::string redis_url;
    EnvVars env;  // added to every node's environment
    int nodes = 3;
};

class Cluster {
  public:
    explicit Cluster(ClusterOptions options);

    // Starts the nodes one after another, then nginx in front of them.
    ::testing::AssertionResult start();

    ServerProcess& node(std::size_t i) { return *nodes_.at(i); }
    std::size_t size() const { return nodes_.size(); }
    HttpClient node_client(std::size_t i) { return nodes_.at(i)->client(); }
    NginxServer& nginx() { return nginx_; }
    HttpClient client() { return nginx_.client(); }  // through nginx
    const std::string& issuer() const { return issuer_; }
    const ClusterOptions& options() const { return options_; }

    // `signet ARGS... --database-url URL --redis-url URL`
    CommandResult cli(std::vector<std::string> args);

  private:
    ClusterOptions options_;
    NginxServer nginx_;
    std::string issuer_;
    std::vector<std::unique_ptr<ServerProcess>> nodes_;
};

// Polls `probe` every 50 ms until it is true or `limit` has passed; returns how long it took, or
// nullopt.
std::optional<std::chrono::milliseconds> within(std::chrono::milliseconds limit,
                                                const std::function<bool()>& probe);

}  // namespace signet::test
