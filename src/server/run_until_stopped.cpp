// Serve, reload on SIGHUP, then drain.
#include "server/run_until_stopped.hpp"

#include <exception>
#include <string>

#include "server/event_log.hpp"
#include "server/sd_notify.hpp"

namespace signet::server {

int run_until_stopped(http::HttpServer& server, const boost::json::object& about,
                      const std::function<void(unsigned port)>& on_ready,
                      const std::function<void()>& on_reload) {
    boost::json::object listening{{"level", "info"}, {"msg", "listening"}, {"port", server.port()}};
    for (const auto& field : about)
        listening[field.key()] = field.value();
    http::RunHooks hooks;
    // Announced only once SIGTERM is handled: a supervisor that stops the server as soon as it
    // reads "listening" gets a drain, not a killed process.
    hooks.on_started = [&] {
        log_event(listening);
        if (server.metrics_port() != 0) {
            log_event(
                {{"level", "info"}, {"msg", "metrics listening"}, {"port", server.metrics_port()}});
        }
        if (on_ready) on_ready(server.port());
        notify_service_manager("READY=1\nSTATUS=listening on port " +
                               std::to_string(server.port()));
    };
    hooks.on_stopping = [] { notify_service_manager("STOPPING=1"); };
    // Each step on its own: a certificate that does not load must not keep the keys from reloading.
    // On a worker thread, which may still run after run() returned: it owns its copy of on_reload.
    hooks.on_hangup = [&server, on_reload] {
        notify_service_manager("RELOADING=1");
        bool ok = true;
        try {
            server.reload_tls();
        } catch (const std::exception& e) {
            ok = false;
            log_event({{"level", "error"}, {"msg", "TLS reload failed"}, {"error", e.what()}});
        }
        try {
            if (on_reload) on_reload();
        } catch (const std::exception& e) {
            ok = false;
            log_event({{"level", "error"}, {"msg", "key reload failed"}, {"error", e.what()}});
        }
        log_event({{"level", ok ? "info" : "error"}, {"msg", "reloaded"}, {"ok", ok}});
        notify_service_manager("READY=1");
    };
    server.run(true, std::move(hooks));
    log_event({{"level", "info"}, {"msg", "stopped"}});
    return 0;
}

}  // namespace signet::server
