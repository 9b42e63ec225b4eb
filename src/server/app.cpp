// run_server: stores, services, routes, then the HTTP server until SIGTERM; SIGHUP reloads the
// keys and the TLS certificate.
#include "server/app.hpp"

#include <atomic>
#include <boost/json/object.hpp>
#include <chrono>
#include <memory>

#include "server/api/api_common.hpp"
#include "server/event_log.hpp"
#include "server/http/http_server.hpp"
#include "server/periodic_task.hpp"
#include "server/run_until_stopped.hpp"
#include "server/server_options.hpp"
#include "server/services.hpp"
#include "server/store/store_error.hpp"

namespace signet::server {
namespace {

std::string host_for_url(const std::string& host) {
    return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

// A stored http:// issuer on a node that serves TLS would stay in discovery, jwks_uri and every
// token, and no https:// page would ever have its origin (RFC 6454 §5: the scheme is part of it),
// so each cookie request would get 403 csrf. That is the one disagreement refused:
// - an https:// issuer on a plain-HTTP node is TLS ending at a proxy in front (deployment.md);
// - the authority is not compared: the nodes of one data dir listen on ports of their own and
//   share the first node's issuer, and an issuer behind a proxy names the proxy, never a listen
//   address, so no host:port of its own tells a node that the stored one is wrong.
void refuse_http_issuer_under_tls(const std::string& stored_issuer, bool tls) {
    if (!tls || !stored_issuer.starts_with("http://")) return;
    throw ConfigError(
        "the stored issuer " + stored_issuer +
        " is http:// but this node serves TLS: discovery, tokens and CSRF checks would keep "
        "naming http://. Start with --issuer https://HOST[:PORT] (or the issuer setting), the URL "
        "clients use; it replaces the stored issuer for every node of this data dir");
}

}  // namespace

int run_server(const ServerConfig& config, const std::function<void(unsigned port)>& on_ready) {
    Stores stores = open_stores(store_settings(config));

    http::Metrics metrics;
    http::Router router;
    // Declared before the server so that it outlives it: the server's destructor waits for the
    // worker pool, whose handlers use the services.
    std::unique_ptr<Services> services_owner;
    http::HttpServer server(http_server_options(config), router, metrics);
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
        refuse_http_issuer_under_tls(issuer, tls);
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
    return run_until_stopped(server,
                             {{"issuer", issuer},
                              {"kid", services.keys.snapshot()->current_kid},
                              {"alg", to_string(config.signing_alg)}},
                             on_ready, [&services] { services.keys.reload(); });
}

}  // namespace signet::server
