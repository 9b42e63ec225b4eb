// ServerConfig to http::ServerOptions.
#include "server/server_options.hpp"

#include <string>
#include <utility>
#include <vector>

namespace signet::server {

http::ServerOptions http_server_options(const ServerConfig& config) {
    http::ServerOptions options;
    options.host = config.listen_host;
    options.port = config.listen_port;
    if (config.tls_cert && config.tls_key) {
        options.tls = http::TlsFiles{*config.tls_cert, *config.tls_key};
    }
    options.max_header_bytes = config.max_header_bytes;
    options.max_body_bytes = config.max_body_bytes;
    options.max_connections = config.max_connections;
    options.max_connections_per_client = config.max_connections_per_client;
    if (config.metrics_listen_host) {
        options.metrics_listen = http::ServerOptions::ListenAddress{*config.metrics_listen_host,
                                                                    config.metrics_listen_port};
    }
    options.header_timeout = config.header_timeout;
    options.idle_timeout = config.idle_timeout;
    options.drain_timeout = config.drain_timeout;
    options.io_threads = config.io_threads;
    options.worker_threads = config.worker_threads;
    options.log_requests = config.log_requests;
    std::vector<http::Cidr> trusted;
    for (const std::string& block : config.trusted_proxies) {
        if (auto cidr = http::parse_cidr(block)) trusted.push_back(*cidr);
    }
    options.client_addresses = http::ClientAddressResolver(std::move(trusted));
    return options;
}

}  // namespace signet::server
