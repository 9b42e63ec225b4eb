// `signet serve`: wires the stores, the auth services and the HTTP API together and runs them.
#pragma once

#include <functional>
#include <memory>

#include "server/config.hpp"

namespace signet::server {

// Prepares the data dir (mode 0700) and database, loads or creates the signing key, and serves
// until SIGTERM/SIGINT; returns the exit status (0 after a clean drain). `on_ready` runs once
// listening. Throws ConfigError for settings that turn out unusable (a weak HMAC secret, unreadable
// TLS files).
int run_server(const ServerConfig& config, const std::function<void(unsigned port)>& on_ready = {});

}  // namespace signet::server
