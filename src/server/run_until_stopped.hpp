// The last step of every kind of node: announce, serve until SIGTERM/SIGINT, drain; reload on
// SIGHUP.
#pragma once

#include <boost/json/object.hpp>
#include <functional>

#include "server/http/http_server.hpp"

namespace signet::server {

// Logs "listening" with the bound port and `about` (what this node is), and "metrics listening"
// when metrics have their own listener; calls `on_ready` and tells the service manager READY=1
// (sd_notify, when $NOTIFY_SOCKET is set); serves until a signal, tells it STOPPING=1 when the
// drain begins, logs "stopped". On SIGHUP it re-reads the TLS files and runs `on_reload` (the
// node's keys), then logs "reloaded"; connections stay open.
// Returns the exit status: 0 after a clean drain.
int run_until_stopped(http::HttpServer& server, const boost::json::object& about,
                      const std::function<void(unsigned port)>& on_ready,
                      const std::function<void()>& on_reload = {});

}  // namespace signet::server
