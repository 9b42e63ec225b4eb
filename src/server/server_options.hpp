// The HTTP server's options (listeners, TLS, limits, timeouts, threads, trusted proxies) as the
// settings give them; the same for an issuing node and a verify-only node.
#pragma once

#include "server/config.hpp"
#include "server/http/http_server.hpp"

namespace signet::server {

http::ServerOptions http_server_options(const ServerConfig& config);

}  // namespace signet::server
