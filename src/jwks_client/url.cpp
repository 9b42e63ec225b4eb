#include "url.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

namespace signet::jwks_client {
namespace {

Result<HttpUrl> from_url(const boost::urls::url_view& u, bool allow_http, std::string_view what) {
    const auto fail = [&](std::string why) {
        return Error(Errc::invalid_argument, std::string(what) + " " + why);
    };
    HttpUrl out;
    if (u.scheme_id() == boost::urls::scheme::https) {
        out.tls = true;
    } else if (u.scheme_id() == boost::urls::scheme::http) {
        if (!allow_http) return fail("must be an https:// URL (plain http:// is not allowed)");
    } else {
        return fail("must be an https:// URL");
    }
    if (!u.has_authority() || u.encoded_host().empty()) return fail("has no host");
    if (u.has_userinfo()) return fail("must not carry user information");
    if (u.has_fragment()) return fail("must not have a fragment");
    if (u.host_type() == boost::urls::host_type::ipv6) {
        out.host = std::string(u.encoded_host_address());
    } else {
        out.host = u.host();
    }
    // RFC 3986 §3.2.3: an empty port ("host:") means the scheme's default.
    out.port = u.has_port() && !u.port().empty() ? std::string(u.port()) : (out.tls ? "443" : "80");
    if (out.port.size() > 5 || std::stoul(out.port) == 0 || std::stoul(out.port) > 65535) {
        return fail("has a port outside 1-65535");
    }
    // RFC 3986 §3.3: after an authority the path is empty or begins with "/". Boost.URL 1.81
    // reads "https://h:p/x" as host "h", an empty port and the path "p/x"; that is no URL.
    if (!u.encoded_path().empty() && u.encoded_path().front() != '/') {
        return fail("is not a valid URL (its port is not a number)");
    }
    out.target = std::string(u.encoded_path());
    if (out.target.empty()) out.target = "/";
    if (u.has_query()) out.target += "?" + std::string(u.encoded_query());
    out.text = std::string(u.buffer());
    return out;
}

}  // namespace

Result<HttpUrl> parse_http_url(std::string_view url, bool allow_http, std::string_view what) {
    auto parsed = boost::urls::parse_absolute_uri(url);
    if (!parsed) {
        return Error(Errc::invalid_argument,
                     std::string(what) + " is not an absolute URL: " + std::string(url));
    }
    return from_url(*parsed, allow_http, what);
}

Result<HttpUrl> resolve_http_url(const HttpUrl& base, std::string_view reference, bool allow_http) {
    auto ref = boost::urls::parse_uri_reference(reference);
    auto base_url = boost::urls::parse_absolute_uri(base.text);
    if (!ref || !base_url) {
        return Error(Errc::fetch_failed, "the redirect's Location is not a URL");
    }
    boost::urls::url resolved;
    if (auto ok = boost::urls::resolve(*base_url, *ref, resolved); !ok) {
        return Error(Errc::fetch_failed, "the redirect's Location cannot be resolved");
    }
    auto out = from_url(resolved, allow_http, "the redirect's Location");
    if (!out) return Error(Errc::fetch_failed, std::move(out).error().message());
    if (base.tls && !out->tls) {
        return Error(Errc::fetch_failed, "a redirect from https:// to http:// is refused");
    }
    return out;
}

}  // namespace signet::jwks_client
