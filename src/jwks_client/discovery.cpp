#include "discovery.hpp"

#include <boost/json/parse.hpp>

namespace signet::jwks_client {

std::vector<std::string> metadata_urls(const HttpUrl& issuer) {
    std::string base = issuer.text;
    while (!base.empty() && base.back() == '/')
        base.pop_back();
    std::vector<std::string> urls{base + "/.well-known/openid-configuration"};
    // RFC 8414 §3.1: https://host/path -> https://host/.well-known/oauth-authorization-server/path
    const std::size_t authority_end = base.find('/', base.find("//") + 2);
    if (authority_end == std::string::npos) {
        urls.push_back(base + "/.well-known/oauth-authorization-server");
    } else {
        urls.push_back(base.substr(0, authority_end) + "/.well-known/oauth-authorization-server" +
                       base.substr(authority_end));
    }
    return urls;
}

Result<HttpUrl> discover_jwks_uri(const HttpFetcher& fetcher, const HttpUrl& issuer,
                                  bool allow_http) {
    std::string tried;
    for (const std::string& url : metadata_urls(issuer)) {
        auto target = parse_http_url(url, allow_http, "the metadata URL");
        if (!target) return std::move(target).error();
        auto response = fetcher.get(*target, {});
        if (!response) return std::move(response).error();
        if (response->status == 404) {  // not published under this name: try the next one
            tried += (tried.empty() ? "" : ", ") + url;
            continue;
        }
        if (response->status != 200) {
            return Error(Errc::fetch_failed, "fetching " + url + " failed: HTTP status " +
                                                 std::to_string(response->status));
        }
        boost::system::error_code ec;
        const boost::json::value doc = boost::json::parse(response->body, ec);
        if (ec || !doc.is_object()) {
            return Error(Errc::bad_document, "the metadata at " + url + " is not a JSON object");
        }
        const boost::json::value* stated = doc.get_object().if_contains("issuer");
        std::string expected = issuer.text;
        if (stated == nullptr || !stated->is_string() || stated->get_string() != expected) {
            return Error(Errc::bad_document, "the metadata at " + url + " states another issuer (" +
                                                 (stated != nullptr && stated->is_string()
                                                      ? std::string(stated->get_string())
                                                      : std::string("none")) +
                                                 ") than " + expected);
        }
        const boost::json::value* jwks_uri = doc.get_object().if_contains("jwks_uri");
        if (jwks_uri == nullptr || !jwks_uri->is_string()) {
            return Error(Errc::bad_document, "the metadata at " + url + " has no jwks_uri");
        }
        auto parsed = parse_http_url(jwks_uri->get_string(), allow_http, "the jwks_uri");
        if (!parsed) return Error(Errc::bad_document, parsed.error().message());
        if (issuer.tls && !parsed->tls) {
            return Error(Errc::bad_document, "an https:// issuer's jwks_uri must be https://");
        }
        return parsed;
    }
    return Error(Errc::fetch_failed, "the issuer publishes no metadata (tried " + tried + ")");
}

}  // namespace signet::jwks_client
