// POST /v1/inspect: the web page's token inspector. Decoding happens in the page; this route only
// verifies (auth/token_inspector). The token is neither stored nor logged, and each client address
// has a budget (Services::inspections).
#include <boost/json/object.hpp>
#include <cstdint>

#include "server/api/api_common.hpp"
#include "server/auth/token_inspector.hpp"
#include "server/http/response.hpp"

namespace signet::server::api {
namespace {

constexpr std::int64_t kMaxLeewaySeconds = 300;

// An optional string member: absent or null means "not given"; another type, or an empty string
// (a pasted key left blank must not fall back to this server's keys), is an error.
std::optional<std::optional<std::string_view>> optional_string(const boost::json::object& body,
                                                               std::string_view name) {
    const boost::json::value* value = body.if_contains(name);
    if (value == nullptr || value->is_null()) return std::optional<std::string_view>();
    if (!value->is_string() || value->get_string().empty()) return std::nullopt;
    return std::optional<std::string_view>(value->get_string());
}

http::Response inspect(Services& services, const http::Request& request,
                       const http::RequestContext& context) {
    if (auto retry_after = services.inspections.hit(context.client_address, unix_now())) {
        return rate_limited(request, "Too many inspections from this address; try again later.",
                            *retry_after);
    }
    auto parsed = json_body(request);
    if (auto* error = std::get_if<http::Response>(&parsed)) return std::move(*error);
    const boost::json::object& body = std::get<boost::json::object>(parsed);

    InspectRequest inspect;
    const auto token = string_member(body, "token");
    if (!token || token->empty()) return invalid_request(request, "\"token\" must be a string.");
    inspect.token = *token;
    for (const auto& [name, field] :
         {std::pair{"key", &inspect.key}, std::pair{"issuer", &inspect.issuer},
          std::pair{"audience", &inspect.audience}}) {
        const auto value = optional_string(body, name);
        if (!value) {
            return invalid_request(request,
                                   "\"" + std::string(name) + "\" must be a non-empty string.");
        }
        *field = *value;
    }
    const auto alg = optional_string(body, "alg");
    if (!alg) return invalid_request(request, "\"alg\" must be a non-empty string.");
    if (*alg) {
        const auto algorithm = parse_algorithm(**alg);
        if (!algorithm) return invalid_request(request, "\"alg\" names no JWS algorithm.");
        inspect.algorithms = {*algorithm};
    }
    if (const boost::json::value* leeway = body.if_contains("leeway")) {
        const std::int64_t* seconds = leeway->if_int64();
        if (seconds == nullptr || *seconds < 0 || *seconds > kMaxLeewaySeconds) {
            return invalid_request(request, "\"leeway\" must be a number of seconds, 0 to 300.");
        }
        inspect.leeway = std::chrono::seconds(*seconds);
    }

    const InspectResult result = services.inspector.inspect(inspect);
    if (!result.valid) {
        return http::json_response(
            request, http::Status::ok,
            boost::json::object{
                {"valid", false}, {"code", result.code}, {"message", result.message}});
    }
    return http::json_response(
        request, http::Status::ok,
        boost::json::object{{"valid", true}, {"header", result.header}, {"claims", result.claims}});
}

}  // namespace

void add_inspect_routes(http::Router& router, Services& services) {
    add_route(router, services, http::Verb::post, "/v1/inspect", inspect, true);
}

}  // namespace signet::server::api
