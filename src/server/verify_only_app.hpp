// `signet serve --trust-issuer URL`: a verify-only node. It opens no store and creates no data dir;
// it loads the issuer's keys through discovery (RFC 8414 §3) and serves /v1/me, /v1/auth,
// /healthz and /metrics. Start as many as you like: each needs only the issuer's URL.
#pragma once

#include <functional>

#include "server/config.hpp"

namespace signet::server {

// Loads the issuer's JWKS before listening (throws std::runtime_error naming the issuer and the
// cause when that fails: a misconfigured node stops at once), then serves until SIGTERM/SIGINT;
// returns the exit status (0 after a clean drain). `on_ready` runs once listening.
int run_verify_only_server(const ServerConfig& config,
                           const std::function<void(unsigned port)>& on_ready = {});

}  // namespace signet::server
