// Form and query parameters, decoded with Boost.URL.
#include "server/http/form.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/encoding_opts.hpp>
#include <boost/url/params_encoded_view.hpp>
#include <boost/url/parse_query.hpp>
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

std::variant<FormParams, FormError> parse_form(std::string_view encoded, std::size_t max_params) {
    FormParams params;
    if (encoded.empty()) return params;
    auto parsed = boost::urls::parse_query(encoded);
    if (!parsed) return FormError{"The parameters are not correctly encoded."};
    boost::urls::encoding_opts options;
    options.space_as_plus = true;  // application/x-www-form-urlencoded
    std::size_t count = 0;
    for (const auto& param : *parsed) {
        if (++count > max_params) return FormError{"Too many parameters."};
        std::string name = param.key.decode(options);
        std::string value = param.has_value ? param.value.decode(options) : std::string();
        if (name.empty() || value.empty()) continue;
        if (params.find(name)) return FormError{"The parameter \"" + name + "\" is repeated."};
        params.add(std::move(name), std::move(value));
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
