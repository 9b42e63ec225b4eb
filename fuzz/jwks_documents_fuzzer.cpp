// Fuzz target for what the remote JWKS source reads from the network before any key: the
// Cache-Control and Age headers (RFC 9111 §5.2.2, §5.1) and URLs, both the configured ones and a
// redirect's Location resolved against them (RFC 3986 §5.2). The first byte picks the surface;
// the rest is split at the first newline. Invariants: lifetimes are never negative; a parsed URL
// has a host, a port and a target starting with '/'; a redirect never leads from https to http,
// nor to http when it is not allowed; every failure is a named error with a message.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "jwks_client/cache_control.hpp"
#include "jwks_client/discovery.hpp"
#include "jwks_client/url.hpp"

namespace {

using namespace signet;
using namespace signet::fuzz;
using namespace signet::jwks_client;

void check_url(const HttpUrl& url, bool allow_http) {
    FUZZ_CHECK(!url.host.empty());
    FUZZ_CHECK(!url.port.empty());
    FUZZ_CHECK(!url.target.empty() && url.target.front() == '/');
    FUZZ_CHECK(url.tls || allow_http);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const unsigned mode = data[0] % 3;
    const bool allow_http = (data[0] & 0x80) != 0;
    const std::string_view rest = as_text(data + 1, size - 1);
    const std::size_t newline = rest.find('\n');
    const std::string_view first = rest.substr(0, newline);
    const std::string_view second =
        newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);

    if (mode == 0) {
        if (const auto lifetime = stated_lifetime(first, second))
            FUZZ_CHECK(lifetime->count() >= 0);
        return 0;
    }
    const auto base = parse_http_url(first, allow_http, "the jwks_uri");
    check_error(base);
    if (!base) return 0;
    check_url(*base, allow_http);
    if (mode == 1) {
        const auto next = resolve_http_url(*base, second, allow_http);
        check_error(next);
        if (next) {
            check_url(*next, allow_http);
            FUZZ_CHECK(!base->tls || next->tls);
        }
    } else {
        for (const std::string& url : metadata_urls(*base)) {
            const auto metadata = parse_http_url(url, allow_http, "the metadata URL");
            check_error(metadata);
        }
    }
    return 0;
}
