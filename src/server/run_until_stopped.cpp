// Serve, then drain.
#include "server/run_until_stopped.hpp"

#include "server/event_log.hpp"

namespace signet::server {

int run_until_stopped(http::HttpServer& server, const boost::json::object& about,
                      const std::function<void(unsigned port)>& on_ready) {
    boost::json::object listening{{"level", "info"}, {"msg", "listening"}, {"port", server.port()}};
    for (const auto& field : about)
        listening[field.key()] = field.value();
    // Announced only once SIGTERM is handled: a supervisor that stops the server as soon as it
    // reads "listening" gets a drain, not a killed process.
    server.run(true, [&] {
        log_event(listening);
        if (server.metrics_port() != 0) {
            log_event(
                {{"level", "info"}, {"msg", "metrics listening"}, {"port", server.metrics_port()}});
        }
        if (on_ready) on_ready(server.port());
    });
    log_event({{"level", "info"}, {"msg", "stopped"}});
    return 0;
}

}  // namespace signet::server
