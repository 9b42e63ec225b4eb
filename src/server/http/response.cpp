// Response helpers: JSON bodies and the {"error","error_description"} failure shape.
#include "server/http/response.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace signet::server::http {

namespace {

namespace bhttp = boost::beast::http;

Response base_response(const Request& request, Status status) {
    Response response{status, request.version()};
    // Tokens and user data must never sit in a shared cache (RFC 6749 §5.1, RFC 6750 §5).
    response.set(bhttp::field::cache_control, "no-store");
    response.keep_alive(request.keep_alive());
    return response;
}

}  // namespace

Response json_response(const Request& request, Status status, const boost::json::value& body) {
    Response response = base_response(request, status);
    response.set(bhttp::field::content_type, "application/json");
    response.body() = boost::json::serialize(body);
    response.prepare_payload();
    return response;
}

Response error_response(const Request& request, Status status, std::string_view error,
                        std::string_view description) {
    boost::json::object body;
    body["error"] = error;
    body["error_description"] = description;
    return json_response(request, status, body);
}

Response empty_response(const Request& request, Status status) {
    Response response = base_response(request, status);
    response.prepare_payload();
    return response;
}

}  // namespace signet::server::http
