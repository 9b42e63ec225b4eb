// Framing faults are what request smuggling exploits: a proxy and this server must never
// disagree on where a request ends, so anything ambiguous is refused and the connection closed.
#include "server/http/request_head.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>
#include <cstddef>
#include <string>

#include "server/http/text.hpp"

namespace signet::server::http {
namespace {

namespace bhttp = boost::beast::http;

// Checks the Transfer-Encoding codings (all its lines in order form one list, RFC 9110 §5.3).
std::optional<HeadFault> check_transfer_coding(const Request& head) {
    std::size_t codings = 0;
    std::size_t chunked_at = 0;  // 1-based position of the last "chunked"; 0: none
    bool chunked_twice = false;
    bool other_coding = false;
    const auto lines = head.equal_range(bhttp::field::transfer_encoding);
    for (auto line = lines.first; line != lines.second; ++line) {
        std::string_view rest(line->value().data(), line->value().size());
        while (true) {
            const std::size_t comma = rest.find(',');
            std::string_view coding = trim_ows(rest.substr(0, comma));
            coding = trim_ows(coding.substr(0, coding.find(';')));  // parameters do not matter here
            if (!coding.empty()) {
                ++codings;
                if (http::iequals_ascii(coding, "chunked")) {
                    if (chunked_at != 0) chunked_twice = true;
                    chunked_at = codings;
                } else {
                    other_coding = true;
                }
            }
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    }
    if (codings == 0 && lines.first == lines.second) return std::nullopt;
    // §6.3 item 3: both framings present; rejecting is the choice that cannot be smuggled past.
    if (head.find(bhttp::field::content_length) != head.end()) {
        return HeadFault{Status::bad_request,
                         "The request has both Transfer-Encoding and Content-Length."};
    }
    // §6.1: Transfer-Encoding in HTTP/1.0 means the framing is faulty.
    if (head.version() < 11) {
        return HeadFault{Status::bad_request, "HTTP/1.0 requests cannot use Transfer-Encoding."};
    }
    // §6.3 item 4: a request body whose final coding is not chunked has no knowable length;
    // §6.1: chunked is applied at most once.
    if (codings == 0 || chunked_at != codings || chunked_twice) {
        return HeadFault{Status::bad_request,
                         "The request's Transfer-Encoding must end in chunked."};
    }
    // §6.1: a coding we cannot decode gets 501.
    if (other_coding) {
        return HeadFault{Status::not_implemented,
                         "The only transfer coding this server accepts is chunked."};
    }
    return std::nullopt;
}

}  // namespace

std::optional<HeadFault> check_request_head(const Request& head) {
    if (auto fault = check_transfer_coding(head)) return fault;
    if (head.version() >= 11) {
        const auto hosts = head.equal_range(bhttp::field::host);
        std::size_t count = 0;
        for (auto host = hosts.first; host != hosts.second; ++host)
            ++count;
        // RFC 9112 §3.2: an HTTP/1.1 request has exactly one Host.
        if (count != 1) {
            return HeadFault{Status::bad_request, "An HTTP/1.1 request needs exactly one Host."};
        }
    }
    return std::nullopt;
}

bool to_origin_form(Request& request) {
    const std::string_view target(request.target().data(), request.target().size());
    const std::size_t scheme_end = target.find("://");
    if (scheme_end == std::string_view::npos) return true;
    const std::string_view scheme = target.substr(0, scheme_end);
    if (!http::iequals_ascii(scheme, "http") && !http::iequals_ascii(scheme, "https")) return true;
    const std::string_view rest = target.substr(scheme_end + 3);
    const std::size_t path_start = rest.find_first_of("/?#");
    const std::string authority(rest.substr(0, path_start));
    if (authority.empty()) return false;
    std::string path(path_start == std::string_view::npos ? std::string_view{}
                                                          : rest.substr(path_start));
    if (path.empty() || path.front() != '/') path.insert(0, "/");
    request.set(bhttp::field::host, authority);
    request.target(path);
    return true;
}

}  // namespace signet::server::http
