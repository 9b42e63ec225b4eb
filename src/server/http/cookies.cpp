// Cookie parsing as user agents send it (RFC 6265 §4.2.1, §5.4) and Set-Cookie (§4.1).
#include "server/http/cookies.hpp"

#include <boost/beast/http/field.hpp>

#include "server/http/text.hpp"

namespace signet::server::http {

std::optional<std::string_view> find_cookie(const Request& request, std::string_view name) {
    if (name.empty()) return std::nullopt;
    // A client may split its cookies over several Cookie headers (HTTP/2 does, RFC 9113 §8.2.3);
    // the first pair with the name wins, in header order (§5.4 lists the most specific first).
    auto [first, last] = request.equal_range(boost::beast::http::field::cookie);
    for (auto it = first; it != last; ++it) {
        std::string_view rest(it->value().data(), it->value().size());
        while (!rest.empty()) {
            const auto semicolon = rest.find(';');
            std::string_view pair = rest.substr(0, semicolon);
            rest = semicolon == std::string_view::npos ? std::string_view{}
                                                       : rest.substr(semicolon + 1);
            const auto eq = pair.find('=');
            if (eq == std::string_view::npos) continue;  // not a name=value pair
            // RFC 6265 §5.4 joins pairs with "; "; extra spaces and tabs around them are allowed.
            if (trim_ows(pair.substr(0, eq)) != name) continue;
            std::string_view value = trim_ows(pair.substr(eq + 1));
            // cookie-value may be wrapped in DQUOTEs (§4.1.1); they are not part of the value.
            if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
                value = value.substr(1, value.size() - 2);
            }
            return value;
        }
    }
    return std::nullopt;
}

std::string set_cookie(std::string_view name, std::string_view value,
                       const CookieOptions& options) {
    std::string out;
    out.reserve(name.size() + value.size() + 64);
    out.append(name).append("=").append(value);
    if (!options.path.empty()) out.append("; Path=").append(options.path);
    if (options.max_age >= 0) out.append("; Max-Age=").append(std::to_string(options.max_age));
    if (options.http_only) out.append("; HttpOnly");
    if (!options.same_site.empty()) out.append("; SameSite=").append(options.same_site);
    if (options.secure) out.append("; Secure");
    return out;
}

}  // namespace signet::server::http
