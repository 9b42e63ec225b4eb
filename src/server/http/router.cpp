// Exact-path routing with 404 / 405 + Allow (RFC 9110 §15.5.6).
#include "server/http/router.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

#include "server/http/response.hpp"

namespace signet::server::http {

void Router::add(Verb method, std::string path, Handler handler, bool blocking) {
    routes_.push_back(Route{method, std::move(path), std::move(handler), blocking, {}});
}

void Router::add_split(Verb method, std::string path, InlineHandler try_inline, Handler handler) {
    routes_.push_back(
        Route{method, std::move(path), std::move(handler), true, std::move(try_inline)});
}

Router::Match Router::match(Verb method, std::string_view target) const {
    // The path is everything before the query (RFC 3986 §3.4) or a stray fragment.
    const std::string_view path = target.substr(0, target.find_first_of("?#"));
    Match result;
    bool path_known = false;
    const Route* get_route = nullptr;
    for (const Route& route : routes_) {
        if (route.path != path) continue;
        if (route.method == method) {
            result.route = &route;
            return result;
        }
        if (route.method == Verb::get && get_route == nullptr) get_route = &route;
        path_known = true;
        allow(result.allow, route.method);
        // RFC 9110 §9.3.2: HEAD is served wherever GET is.
        if (route.method == Verb::get) allow(result.allow, Verb::head);
    }
    if (method == Verb::head && get_route != nullptr) {
        result.route = get_route;
        result.allow.clear();
        return result;
    }
    result.status = path_known ? Status::method_not_allowed : Status::not_found;
    return result;
}

void Router::allow(std::string& list, Verb method) {
    const auto name = boost::beast::http::to_string(method);
    const std::string_view verb(name.data(), name.size());
    // List each method once, in registration order.
    std::string_view rest = list;
    while (!rest.empty()) {
        const auto comma = rest.find(", ");
        if (rest.substr(0, comma) == verb) return;
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 2);
    }
    if (!list.empty()) list.append(", ");
    list.append(verb);
}

Response unroutable(const Request& request, const Router::Match& match) {
    if (match.status == Status::method_not_allowed) {
        Response response =
            error_response(request, Status::method_not_allowed, "method_not_allowed",
                           "This method is not allowed on this resource.");
        response.set(boost::beast::http::field::allow, match.allow);
        return response;
    }
    return error_response(request, Status::not_found, "not_found",
                          "There is no resource at this path.");
}

}  // namespace signet::server::http
