// The web page: GET / (index.html) and GET /web/<file>, from the files embedded in the binary.
// Every answer carries a strict Content-Security-Policy: the page loads nothing from elsewhere,
// runs only its own scripts, and cannot be framed.
#include <algorithm>
#include <boost/beast/http/field.hpp>
#include <string>

#include "server/api/api_common.hpp"
#include "server/api/web_assets.hpp"
#include "server/auth/identity.hpp"

namespace signet::server::api {
namespace {

namespace bhttp = boost::beast::http;

// 'self' only; img-src data: for the inline favicon, which spares a 404 for /favicon.ico.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

std::string_view content_type(std::string_view path) {
    const auto ends_with = [&](std::string_view suffix) { return path.ends_with(suffix); };
    if (ends_with(".html")) return "text/html; charset=utf-8";
    if (ends_with(".js")) return "text/javascript; charset=utf-8";  // RFC 9239 §6
    if (ends_with(".css")) return "text/css; charset=utf-8";
    if (ends_with(".svg")) return "image/svg+xml";
    if (ends_with(".png")) return "image/png";
    return "application/octet-stream";
}

// If-None-Match lists this entity tag, by weak comparison, or is "*" (RFC 9110 §13.1.2), over
// every If-None-Match field of the request.
bool matches(const http::Request& request, std::string_view etag) {
    for (auto [it, end] = request.equal_range(bhttp::field::if_none_match); it != end; ++it) {
        std::string_view list = it->value();
        while (!list.empty()) {
            const std::size_t comma = std::min(list.find(','), list.size());
            std::string_view tag = list.substr(0, comma);
            list.remove_prefix(std::min(comma + 1, list.size()));
            while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t'))
                tag.remove_prefix(1);
            while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t'))
                tag.remove_suffix(1);
            if (tag.starts_with("W/")) tag.remove_prefix(2);
            if (tag == etag || tag == "*") return true;
        }
    }
    return false;
}

http::Handler serve(const WebAsset& asset) {
    // A strong validator from the content: "no-cache" then costs a 304 after each release.
    const std::string etag = "\"" + sha256_hex(asset.body).substr(0, 32) + "\"";
    return [&asset, etag](const http::Request& request, http::RequestContext&) {
        const bool fresh = matches(request, etag);
        http::Response response{fresh ? http::Status::not_modified : http::Status::ok,
                                request.version()};
        response.keep_alive(request.keep_alive());
        response.set(bhttp::field::content_type, content_type(asset.path));
        response.set(bhttp::field::cache_control, "no-cache");
        response.set(bhttp::field::etag, etag);
        response.set("Content-Security-Policy", kContentSecurityPolicy);
        response.set("Referrer-Policy", "no-referrer");
        response.set("Cross-Origin-Opener-Policy", "same-origin");
        if (!fresh) response.body() = std::string(asset.body);
        response.prepare_payload();
        return response;
    };
}

}  // namespace

void add_web_page_routes(http::Router& router) {
    for (const WebAsset& asset : web_assets()) {
        if (asset.path == "index.html") router.add(http::Verb::get, "/", serve(asset));
        router.add(http::Verb::get, "/web/" + std::string(asset.path), serve(asset));
    }
}

}  // namespace signet::server::api
