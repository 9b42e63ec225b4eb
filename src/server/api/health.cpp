// GET /healthz (liveness) and GET /metrics (Prometheus text exposition format 0.0.4).
#include <boost/beast/http/field.hpp>
#include <boost/json/object.hpp>

#include "server/api/api_common.hpp"
#include "server/http/response.hpp"

namespace signet::server::api {

namespace bhttp = boost::beast::http;

void add_health_routes(http::Router& router, http::Metrics& metrics) {
    // The floor of every route: a fixed body, not a JSON document built per request.
    router.add(http::Verb::get, "/healthz",
               [](const http::Request& request, http::RequestContext&) {
                   http::Response response = http::empty_response(request, http::Status::ok);
                   response.set(bhttp::field::content_type, "application/json");
                   response.body() = R"({"status":"ok"})";
                   return response;
               });
    router.add(http::Verb::get, "/metrics",
               [&metrics](const http::Request& request, http::RequestContext&) {
                   http::Response response = http::empty_response(request, http::Status::ok);
                   response.set(bhttp::field::content_type, "text/plain; version=0.0.4");
                   response.body() = metrics.render();
                   response.prepare_payload();
                   return response;
               });
}

}  // namespace signet::server::api
