// The rules of client registration. Redirect URIs are parsed with Boost.URL, the same parser the
// remote JWKS client uses for its URLs.
#include "server/auth/client_rules.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <cctype>

namespace signet::server {
namespace {

bool is_control(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7F;
}

bool iequals(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) ==
               std::tolower(static_cast<unsigned char>(y));
    });
}

// RFC 8252 §7.3: the loopback interface, as an IP literal or (tolerated) as "localhost".
bool is_loopback_host(const boost::urls::url_view& u) {
    switch (u.host_type()) {
        case boost::urls::host_type::ipv4:
            return u.host_ipv4_address() == boost::urls::ipv4_address::loopback();
        case boost::urls::host_type::ipv6:
            return u.host_ipv6_address() == boost::urls::ipv6_address::loopback();
        case boost::urls::host_type::name: return iequals(u.encoded_host(), "localhost");
        default: return false;
    }
}

// What the authority of an http(s) URI must satisfy: a host, no user information, a port that is
// a number (Boost.URL 1.81 reads "https://h:p/x" as host "h", an empty port and path "p/x").
std::optional<std::string> authority_problem(const boost::urls::url_view& u) {
    if (!u.has_authority() || u.encoded_host().empty()) return "has no host";
    if (u.has_userinfo()) return "must not carry user information";
    if (!u.encoded_path().empty() && u.encoded_path().front() != '/') {
        return "is not a valid URI (its port is not a number)";
    }
    return std::nullopt;
}

}  // namespace

bool valid_client_id(std::string_view id) {
    if (id.empty() || id.size() > kMaxClientIdLength) return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
    });
}

std::optional<std::string> redirect_uri_problem(std::string_view uri) {
    if (uri.empty()) return "is empty";
    if (uri.size() > kMaxRedirectUriLength) {
        return "is longer than " + std::to_string(kMaxRedirectUriLength) + " characters";
    }
    // RFC 6749 §3.1.2: "The endpoint URI MUST NOT include a fragment component." Checked before
    // parsing, since absolute-URI (RFC 3986 §4.3) has no fragment and would only say "invalid".
    if (uri.find('#') != std::string_view::npos) return "must not contain a fragment (#)";
    const auto parsed = boost::urls::parse_absolute_uri(uri);
    if (!parsed) return "is not an absolute URI";
    const boost::urls::url_view& u = *parsed;
    if (u.scheme_id() == boost::urls::scheme::https) return authority_problem(u);
    if (u.scheme_id() == boost::urls::scheme::http) {
        if (auto problem = authority_problem(u)) return problem;
        if (!is_loopback_host(u)) {
            return "uses http, which is allowed only for a loopback host (127.0.0.1, [::1] or "
                   "localhost); use https";
        }
        return std::nullopt;
    }
    // RFC 8252 §7.1: a native app's private-use scheme is a reverse domain name, so it holds a
    // dot; that keeps out javascript:, data:, file: and the like.
    if (u.scheme().find('.') != std::string_view::npos) return std::nullopt;
    return "must use https, http to a loopback host, or a private-use scheme with a dot "
           "(com.example.app:/callback)";
}

std::optional<std::string> client_name_problem(std::string_view name) {
    if (name.size() > kMaxClientNameLength) {
        return "is longer than " + std::to_string(kMaxClientNameLength) + " bytes";
    }
    if (std::any_of(name.begin(), name.end(), is_control)) return "contains control characters";
    return std::nullopt;
}

std::optional<std::string> client_secret_problem(std::string_view secret) {
    if (secret.size() < kMinClientSecretLength) {
        return "is shorter than " + std::to_string(kMinClientSecretLength) + " characters";
    }
    if (secret.size() > kMaxClientSecretLength) {
        return "is longer than " + std::to_string(kMaxClientSecretLength) + " characters";
    }
    if (std::any_of(secret.begin(), secret.end(), is_control)) {
        return "contains control characters";
    }
    return std::nullopt;
}

}  // namespace signet::server
