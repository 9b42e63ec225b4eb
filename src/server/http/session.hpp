// One HTTP/1.1 connection, generic over the stream (plain TCP or TLS): reads requests within the
// limits and timeouts, routes them (blocking routes on the worker pool), writes the answers, and
// keeps the connection alive between requests.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <memory>

#include "server/http/access_log.hpp"
#include "server/http/connection_registry.hpp"
#include "server/http/http_server.hpp"
#include "server/http/request_ids.hpp"

namespace signet::server::http {

// Which routes a listener serves: all of them, or, with a separate metrics listener, the API
// listener all but the metrics path and the metrics listener only that.
enum class Surface { all, api, metrics };

// What every session of one listener shares.
struct ServerContext {
    Surface surface;
    const ServerOptions& options;
    const Router& router;
    Metrics& metrics;
    boost::asio::thread_pool& workers;
    const AccessLog& log;
    ConnectionRegistry& connections;
    RequestIds& request_ids;
    const std::atomic<bool>& stopping;
};

// Serves the connection until it closes; a refused admission gets 503 and is closed. `client`
// is the TCP peer's address. Runs on the stream's executor: one I/O thread's io_context.
template <class Stream>
boost::asio::awaitable<void> run_session(ServerContext& server, Stream stream,
                                         ConnectionRegistry::Admission admission,
                                         std::string client);

using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
extern template boost::asio::awaitable<void> run_session(ServerContext&, boost::beast::tcp_stream,
                                                         ConnectionRegistry::Admission,
                                                         std::string);
extern template boost::asio::awaitable<void> run_session(ServerContext&, TlsStream,
                                                         ConnectionRegistry::Admission,
                                                         std::string);

}  // namespace signet::server::http
