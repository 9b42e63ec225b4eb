// Parameters of query strings and application/x-www-form-urlencoded bodies (the OAuth 2.0 request
// encoding, RFC 6749 Appendix B), and redirects.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "server/http/types.hpp"

namespace signet::server::http {

// Decoded name/value pairs in request order. A parameter sent without a value is treated as
// omitted (RFC 6749 §3.1), so find() never yields an empty value.
class FormParams {
  public:
    std::optional<std::string_view> find(std::string_view name) const;
    const std::vector<std::pair<std::string, std::string>>& items() const noexcept {
        return items_;
    }
    void add(std::string name, std::string value) {
        items_.emplace_back(std::move(name), std::move(value));
    }

  private:
    std::vector<std::pair<std::string, std::string>> items_;
};

struct FormError {
    std::string description;  // names the parameter when one is repeated
};

// Percent-decodes `encoded` with '+' as a space; nullopt for a malformed escape.
std::optional<std::string> form_decode(std::string_view encoded);

// Parses `encoded` ("a=1&b=2", '+' is a space). A parameter repeated with a value is refused (RFC
// 6749 §3.1: "MUST NOT be included more than once"); so are malformed percent-escapes and more
// than `max_params` parameters.
std::variant<FormParams, FormError> parse_form(std::string_view encoded,
                                               std::size_t max_params = 64);

// The query of the request target ("" when none).
std::string_view request_query(const Request& request);
// The media type of the body is application/x-www-form-urlencoded (parameters ignored).
bool has_form_body(const Request& request);

// `base` with `params` appended to its query (RFC 6749 §4.1.2: the redirect URI's own query is
// kept), each percent-encoded.
std::string with_query(std::string_view base,
                       const std::vector<std::pair<std::string_view, std::string_view>>& params);

// A bodiless redirect to `location`, not cached (302 Found for GET flows, 303 See Other after a
// form POST, RFC 9110 §15.4.4).
Response redirect(const Request& request, std::string_view location, Status status = Status::found);

}  // namespace signet::server::http
