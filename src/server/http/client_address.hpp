// Who the client is when the server sits behind proxies. The TCP peer is the client unless it is
// a trusted proxy; then the X-Forwarded-For chain (or RFC 7239 Forwarded "for=") is read from the
// right, skipping trusted proxies, and the first address that is not one is the client. Addresses
// further left were written by the client itself and are never believed.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/http/types.hpp"

namespace signet::server::http {

struct Cidr {
    boost::asio::ip::address network;
    unsigned prefix = 0;
    bool contains(const boost::asio::ip::address& address) const;
};

// "10.0.0.0/8", "::1/128", or a bare address (a /32 or /128). nullopt when malformed.
std::optional<Cidr> parse_cidr(std::string_view text);

class ClientAddressResolver {
  public:
    ClientAddressResolver() = default;
    explicit ClientAddressResolver(std::vector<Cidr> trusted) : trusted_(std::move(trusted)) {}

    // The client's address as text ("192.0.2.1", "2001:db8::1"); IPv4-mapped IPv6 peers are
    // given as IPv4.
    bool any_trusted() const noexcept { return !trusted_.empty(); }
    std::string resolve(const Request& request, const boost::asio::ip::address& peer) const;
    // The peer is one of the trusted proxies.
    bool is_trusted_proxy(const boost::asio::ip::address& peer) const { return trusted(peer); }

  private:
    bool trusted(const boost::asio::ip::address& address) const;
    std::vector<Cidr> trusted_;
};

}  // namespace signet::server::http
