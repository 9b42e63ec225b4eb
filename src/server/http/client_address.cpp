// Client addresses behind trusted proxies (RFC 7239 §5.2, and the de-facto X-Forwarded-For).
#include "server/http/client_address.hpp"

#include <boost/beast/http/field.hpp>
#include <charconv>

#include "server/http/text.hpp"

namespace signet::server::http {
namespace {

namespace asio = boost::asio;

asio::ip::address unmapped(const asio::ip::address& address) {
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    }
    return address;
}

std::optional<asio::ip::address> parse_address(std::string_view text) {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(std::string(text), ec);
    if (ec) return std::nullopt;
    return unmapped(address);
}

// A node of Forwarded "for=" (RFC 7239 §6): an IPv4 address, a quoted "[IPv6]" with an optional
// port, an IPv4 address with a port, or an obfuscated identifier (which names no address).
std::optional<asio::ip::address> forwarded_node(std::string_view node) {
    if (node.size() >= 2 && node.front() == '"' && node.back() == '"') {
        node = node.substr(1, node.size() - 2);
    }
    if (!node.empty() && node.front() == '[') {
        const std::size_t close = node.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        return parse_address(node.substr(1, close - 1));
    }
    const std::size_t colon = node.find(':');
    if (colon != std::string_view::npos && node.find(':', colon + 1) == std::string_view::npos) {
        node = node.substr(0, colon);  // IPv4 with a port
    }
    return parse_address(node);
}

// The chain of addresses, leftmost first; an element that names no address is kept as nullopt.
std::vector<std::optional<asio::ip::address>> forwarded_chain(const Request& request) {
    std::vector<std::optional<asio::ip::address>> chain;
    const auto append_list = [&](std::string_view list, bool forwarded) {
        while (true) {
            const std::size_t comma = list.find(',');
            std::string_view element = trim_ows(list.substr(0, comma));
            if (forwarded) {
                // for=...;proto=... : only the "for" parameter names the client side.
                std::optional<asio::ip::address> address;
                while (!element.empty()) {
                    const std::size_t semicolon = element.find(';');
                    const std::string_view pair = trim_ows(element.substr(0, semicolon));
                    if (pair.size() > 4 && (pair[0] | 0x20) == 'f' && (pair[1] | 0x20) == 'o' &&
                        (pair[2] | 0x20) == 'r' && pair[3] == '=') {
                        address = forwarded_node(pair.substr(4));
                    }
                    if (semicolon == std::string_view::npos) break;
                    element.remove_prefix(semicolon + 1);
                }
                chain.push_back(address);
            } else if (!element.empty()) {
                chain.push_back(parse_address(element));
            }
            if (comma == std::string_view::npos) break;
            list.remove_prefix(comma + 1);
        }
    };
    bool any = false;
    for (auto [it, end] = request.equal_range("X-Forwarded-For"); it != end; ++it) {
        append_list(it->value(), false);
        any = true;
    }
    if (!any) {
        for (auto [it, end] = request.equal_range(boost::beast::http::field::forwarded); it != end;
             ++it) {
            append_list(it->value(), true);
        }
    }
    return chain;
}

}  // namespace

bool Cidr::contains(const asio::ip::address& address) const {
    const asio::ip::address candidate = unmapped(address);
    if (candidate.is_v4() != network.is_v4()) return false;
    const auto bytes_of = [](const asio::ip::address& a) {
        std::array<unsigned char, 16> bytes{};
        if (a.is_v4()) {
            const auto v4 = a.to_v4().to_bytes();
            std::copy(v4.begin(), v4.end(), bytes.begin());
        } else {
            bytes = a.to_v6().to_bytes();
        }
        return bytes;
    };
    const auto want = bytes_of(network);
    const auto have = bytes_of(candidate);
    unsigned bits = prefix;
    for (std::size_t i = 0; bits > 0; ++i) {
        const unsigned take = bits >= 8 ? 8 : bits;
        const auto mask = static_cast<unsigned char>(0xFF << (8 - take));
        if ((want[i] & mask) != (have[i] & mask)) return false;
        bits -= take;
    }
    return true;
}

std::optional<Cidr> parse_cidr(std::string_view text) {
    text = trim_ows(text);
    const std::size_t slash = text.find('/');
    const auto address = parse_address(text.substr(0, slash));
    if (!address) return std::nullopt;
    const unsigned max = address->is_v4() ? 32 : 128;
    unsigned prefix = max;
    if (slash != std::string_view::npos) {
        const std::string_view digits = text.substr(slash + 1);
        const auto [end, ec] =
            std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
        if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() ||
            prefix > max) {
            return std::nullopt;
        }
    }
    return Cidr{*address, prefix};
}

bool ClientAddressResolver::trusted(const asio::ip::address& address) const {
    for (const Cidr& cidr : trusted_) {
        if (cidr.contains(address)) return true;
    }
    return false;
}

std::string ClientAddressResolver::resolve(const Request& request,
                                           const asio::ip::address& peer) const {
    asio::ip::address client = unmapped(peer);
    if (trusted_.empty() || !trusted(client)) return client.to_string();
    const auto chain = forwarded_chain(request);
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        // An element that is not an address ends the trail: whatever stands left of it is the
        // word of someone untrusted, so the last trusted hop is the client as far as we know.
        if (!*it) break;
        client = **it;
        if (!trusted(client)) break;
    }
    return client.to_string();
}

}  // namespace signet::server::http
