// The last step of every kind of node: announce, serve until SIGTERM/SIGINT, drain.
#pragma once

#include <boost/json/object.hpp>
#include <functional>

#include "server/http/http_server.hpp"

namespace signet::server {

// Logs "listening" with the bound port and `about` (what this node is), and "metrics listening"
// when metrics have their own listener; calls `on_ready`, serves until a signal, logs "stopped".
// Returns the exit status: 0 after a clean drain.
int run_until_stopped(http::HttpServer& server, const boost::json::object& about,
                      const std::function<void(unsigned port)>& on_ready);

}  // namespace signet::server
