// Client addresses behind proxies: the TCP peer unless it is trusted, then X-Forwarded-For (or
// RFC 7239 Forwarded) read from the right, never believing what an untrusted hop wrote.
#include "server/http/client_address.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace signet::server::http {
namespace {

namespace asio = boost::asio;

ClientAddressResolver resolver(const std::vector<std::string>& blocks) {
    std::vector<Cidr> cidrs;
    for (const std::string& block : blocks) {
        auto cidr = parse_cidr(block);
        EXPECT_TRUE(cidr) << block;
        if (cidr) cidrs.push_back(*cidr);
    }
    return ClientAddressResolver(std::move(cidrs));
}

Request with_headers(const std::vector<std::pair<std::string, std::string>>& headers) {
    Request request{boost::beast::http::verb::get, "/v1/me", 11};
    for (const auto& [name, value] : headers)
        request.insert(name, value);
    return request;
}

const asio::ip::address kProxy = asio::ip::make_address("10.0.0.5");

TEST(Cidr, ParsesBlocksAndBareAddresses) {
    const auto v4 = parse_cidr("10.0.0.0/8");
    ASSERT_TRUE(v4);
    EXPECT_TRUE(v4->contains(asio::ip::make_address("10.255.1.2")));
    EXPECT_FALSE(v4->contains(asio::ip::make_address("11.0.0.1")));
    EXPECT_FALSE(v4->contains(asio::ip::make_address("::1")));
    // An IPv4-mapped IPv6 peer is the IPv4 address it maps.
    EXPECT_TRUE(v4->contains(asio::ip::make_address("::ffff:10.1.2.3")));
    const auto bare = parse_cidr("::1");
    ASSERT_TRUE(bare);
    EXPECT_EQ(bare->prefix, 128u);
    const auto v6 = parse_cidr("2001:db8::/33");
    ASSERT_TRUE(v6);
    EXPECT_TRUE(v6->contains(asio::ip::make_address("2001:db8:7fff::1")));
    EXPECT_FALSE(v6->contains(asio::ip::make_address("2001:db8:8000::1")));
    const auto all = parse_cidr("0.0.0.0/0");
    ASSERT_TRUE(all);
    EXPECT_TRUE(all->contains(asio::ip::make_address("203.0.113.9")));
}

TEST(Cidr, RefusesMalformedBlocks) {
    for (const char* text : {"", "10.0.0.0/", "10.0.0.0/33", "::/129", "10.0.0/8", "host/8",
                             "10.0.0.0/8x", "10.0.0.0/-1"}) {
        EXPECT_FALSE(parse_cidr(text)) << text;
    }
}

TEST(ClientAddressResolver, WithoutTrustedProxiesThePeerIsTheClient) {
    const ClientAddressResolver none;
    EXPECT_FALSE(none.any_trusted());
    EXPECT_EQ(none.resolve(with_headers({{"X-Forwarded-For", "198.51.100.7"}}), kProxy),
              "10.0.0.5");
}

TEST(ClientAddressResolver, AnUntrustedPeerIsTheClientWhateverItClaims) {
    const auto r = resolver({"10.0.0.0/8"});
    EXPECT_EQ(r.resolve(with_headers({{"X-Forwarded-For", "198.51.100.7"}}),
                        asio::ip::make_address("203.0.113.9")),
              "203.0.113.9");
}

TEST(ClientAddressResolver, BehindATrustedProxyTheRightmostUntrustedHopIsTheClient) {
    const auto r = resolver({"10.0.0.0/8"});
    EXPECT_EQ(r.resolve(with_headers({{"X-Forwarded-For", "198.51.100.7"}}), kProxy),
              "198.51.100.7");
    // The client wrote the leftmost entries itself: only the hop the trusted proxy saw counts.
    EXPECT_EQ(
        r.resolve(with_headers({{"X-Forwarded-For", "1.2.3.4, 198.51.100.7, 10.0.0.9"}}), kProxy),
        "198.51.100.7");
    // Several header lines form one list, in order.
    EXPECT_EQ(r.resolve(with_headers(
                            {{"X-Forwarded-For", "1.2.3.4"}, {"X-Forwarded-For", "198.51.100.8"}}),
                        kProxy),
              "198.51.100.8");
}

TEST(ClientAddressResolver, GarbageInTheChainStopsTheTrailAtTheLastTrustedHop) {
    const auto r = resolver({"10.0.0.0/8"});
    EXPECT_EQ(r.resolve(with_headers({{"X-Forwarded-For", "198.51.100.7, not-an-ip"}}), kProxy),
              "10.0.0.5");
    EXPECT_EQ(r.resolve(with_headers({}), kProxy), "10.0.0.5");
}

TEST(ClientAddressResolver, ReadsRfc7239ForwardedWhenThereIsNoXForwardedFor) {
    const auto r = resolver({"10.0.0.0/8"});
    EXPECT_EQ(
        r.resolve(with_headers({{"Forwarded", "for=192.0.2.60;proto=https;by=10.0.0.5"}}), kProxy),
        "192.0.2.60");
    EXPECT_EQ(r.resolve(with_headers({{"Forwarded", R"(for="[2001:db8:cafe::17]:4711")"}}), kProxy),
              "2001:db8:cafe::17");
    EXPECT_EQ(r.resolve(with_headers({{"Forwarded", "For=192.0.2.43:8080, for=10.0.0.7"}}), kProxy),
              "192.0.2.43");
    // An obfuscated identifier names no address (RFC 7239 §6.3).
    EXPECT_EQ(r.resolve(with_headers({{"Forwarded", "for=_hidden"}}), kProxy), "10.0.0.5");
}

}  // namespace
}  // namespace signet::server::http
