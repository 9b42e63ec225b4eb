// run_server: stores, services, routes, then the HTTP server until SIGTERM.
#include "server/app.hpp"

#include <atomic>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <iostream>
#include <memory>
#include <vector>

#include "server/api/api_common.hpp"
#include "server/http/http_server.hpp"
#include "server/periodic_task.hpp"
#include "server/services.hpp"
#include "server/store/store_error.hpp"

namespace signet::server {
namespace {

void log_event(const boost::json::object& fields) {
    std::string line = boost::json::serialize(fields);
    line.push_back('\n');
    std::cerr << line << std::flush;
}

http::ServerOptions server_options(const ServerConfig& config) {
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

std::string host_for_url(const std::string& host) {
    return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

}  // namespace

int run_server(const ServerConfig& config, const std::function<void(unsigned port)>& on_ready) {
    Stores stores = open_stores(store_settings(config));

    http::Metrics metrics;
    http::Router router;
    // Declared before the server so that it outlives it: the server's destructor waits for the
    // worker pool, whose handlers use the services.
    std::unique_ptr<Services> services_owner;
    http::HttpServer server(server_options(config), router, metrics);
    const bool tls = config.tls_cert.has_value();

    // The issuer names the deployment, not the node: an explicit one wins, else the one every node
    // of this data dir agreed on first (DESIGN.md, HTTP conventions).
    const std::string default_issuer = std::string(tls ? "https://" : "http://") +
                                       host_for_url(config.listen_host) + ":" +
                                       std::to_string(server.port());
    std::string issuer;
    if (config.issuer) {
        issuer = *config.issuer;
        stores.keys->set_setting("issuer", issuer);  // nodes started without --issuer follow it
    } else {
        issuer = stores.keys->get_or_set_setting("issuer", default_issuer);
    }
    while (issuer.size() > 1 && issuer.back() == '/')
        issuer.pop_back();

    services_owner = std::make_unique<Services>(config, std::move(stores), issuer, tls, metrics);
    Services& services = *services_owner;
    api::add_api_routes(router, services);

    // Revocations made by other nodes count here within a quarter second; keys rotated anywhere
    // within key_reload_interval. Both keep the last good copy while a store is down.
    services.revocations.sync(unix_now());
    const auto log_failure = [](const char* what) {
        return [what](const std::exception& e) {
            log_event({{"level", "error"}, {"msg", what}, {"error", e.what()}});
        };
    };
    PeriodicTask revocation_sync(
        std::chrono::milliseconds(250), [&services] { services.revocations.sync(unix_now()); },
        log_failure("revocation sync failed"));
    auto last_purge = std::chrono::steady_clock::now();
    PeriodicTask maintenance(
        config.key_reload_interval,
        [&services, &last_purge] {
            services.keys.reload();
            if (std::chrono::steady_clock::now() - last_purge > std::chrono::hours(1)) {
                services.stores.refresh_tokens->purge_expired(unix_now());
                last_purge = std::chrono::steady_clock::now();
            }
        },
        log_failure("maintenance failed"));
    log_event({{"level", "info"},
               {"msg", "listening"},
               {"port", server.port()},
               {"issuer", issuer},
               {"kid", services.keys.snapshot()->current_kid},
               {"alg", to_string(config.signing_alg)}});
    if (server.metrics_port() != 0) {
        log_event(
            {{"level", "info"}, {"msg", "metrics listening"}, {"port", server.metrics_port()}});
    }
    if (on_ready) on_ready(server.port());
    server.run(true);
    log_event({{"level", "info"}, {"msg", "stopped"}});
    return 0;
}

}  // namespace signet::server
