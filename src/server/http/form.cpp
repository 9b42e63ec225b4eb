// Form and query parameters; redirect locations encoded with Boost.URL.
#include "server/http/form.hpp"

#include <algorithm>

#include <boost/beast/http/field.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url.hpp>

#include "server/http/text.hpp"

namespace signet::server::http {

namespace bhttp = boost::beast::http;

std::optional<std::string_view> FormParams::find(std::string_view name) const {
    for (const auto& [key, value] : items_) {
        if (key == name) return std::string_view(value);
    }
    return std::nullopt;
}

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

// Not pct_string_view::decode(space_as_plus): in Boost 1.81 it reads past the end of a view that
// is not NUL-terminated (a request target), appending a stray byte to the last value.
std::optional<std::string> form_decode(std::string_view encoded) {
    std::string out;
    out.reserve(encoded.size());
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        const char c = encoded[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%') {
            if (i + 2 >= encoded.size()) return std::nullopt;
            const int high = hex_value(encoded[i + 1]);
            const int low = hex_value(encoded[i + 2]);
            if (high < 0 || low < 0) return std::nullopt;
            out += static_cast<char>(high * 16 + low);
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

std::variant<FormParams, FormError> parse_form(std::string_view encoded, std::size_t max_params) {
    FormParams params;
    if (encoded.empty()) return params;
    std::size_t count = 0;
    while (!encoded.empty()) {
        const std::size_t amp = std::min(encoded.find('&'), encoded.size());
        const std::string_view pair = encoded.substr(0, amp);
        encoded.remove_prefix(std::min(amp + 1, encoded.size()));
        if (pair.empty()) continue;
        if (++count > max_params) return FormError{"Too many parameters."};
        const std::size_t equals = std::min(pair.find('='), pair.size());
        std::optional<std::string> name = form_decode(pair.substr(0, equals));
        std::optional<std::string> value =
            form_decode(pair.substr(std::min(equals + 1, pair.size())));
        if (!name || !value) return FormError{"The parameters are not correctly encoded."};
        if (name->empty() || value->empty()) continue;
        if (params.find(*name)) return FormError{"The parameter \"" + *name + "\" is repeated."};
        params.add(std::move(*name), std::move(*value));
    }
    return params;
}

std::string_view request_query(const Request& request) {
    const std::string_view target = request.target();
    const std::size_t question = target.find('?');
    if (question == std::string_view::npos) return {};
    std::string_view query = target.substr(question + 1);
    return query.substr(0, query.find('#'));
}

bool has_form_body(const Request& request) {
    const auto type = request.find(bhttp::field::content_type);
    if (type == request.end()) return false;
    const std::string_view value = type->value();
    // Media types are case-insensitive (RFC 9110 §8.3.1).
    return iequals_ascii(trim_ows(value.substr(0, value.find(';'))),
                         "application/x-www-form-urlencoded");
}

std::string with_query(std::string_view base,
                       const std::vector<std::pair<std::string_view, std::string_view>>& params) {
    std::string location(base);
    bool first = location.find('?') == std::string::npos;
    for (const auto& [name, value] : params) {
        location += first ? '?' : '&';
        first = false;
        location += boost::urls::encode(name, boost::urls::unreserved_chars);
        location += '=';
        location += boost::urls::encode(value, boost::urls::unreserved_chars);
    }
    return location;
}

Response redirect(const Request& request, std::string_view location, Status status) {
    Response response{status, request.version()};
    response.set(bhttp::field::location, location);
    // The location may carry an authorization code (RFC 6749 §10.5).
    response.set(bhttp::field::cache_control, "no-store");
    response.set("Referrer-Policy", "no-referrer");
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    return response;
}

}  // namespace signet::server::http
