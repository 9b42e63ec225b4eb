// A real nginx in front of signet nodes for tests: deploy/nginx.conf itself, with its ports
// rewritten to the test's nodes, plus a small echo application (what the auth_request example
// protects) that answers with the identity headers nginx passed it.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "server/support/http_client.hpp"

namespace signet::test {

class NginxServer {
  public:
    // `port` 0: a free one, chosen now (so that nodes can be told the issuer URL first).
    explicit NginxServer(std::uint16_t port = 0);
    NginxServer(const NginxServer&) = delete;
    NginxServer& operator=(const NginxServer&) = delete;
    ~NginxServer();

    // Writes the configuration for these node ports and starts nginx in the foreground; waits
    // until it accepts connections.
    ::testing::AssertionResult start(const std::vector<std::uint16_t>& node_ports);
    void stop();

    std::uint16_t port() const { return port_; }
    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    HttpClient client() const { return HttpClient("127.0.0.1", port_); }
    std::string error_log() const;

  private:
    std::filesystem::path dir_;
    std::uint16_t port_ = 0;
    std::uint16_t app_port_ = 0;
    pid_t pid_ = -1;
};

}  // namespace signet::test
