// The accept loop is a coroutine on the acceptor's strand; accept errors such as running out of
// descriptors back off briefly instead of spinning.
#include "server/http/listener.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <stdexcept>

namespace signet::server::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

asio::awaitable<void> accept_loop(Listener::Strand& strand, tcp::acceptor& acceptor,
                                  Listener::OnAccept on_accept, Listener::PickExecutor pick) {
    constexpr auto kUseAwaitable = asio::as_tuple(asio::use_awaitable);
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(pick(), kUseAwaitable);
        if (!acceptor.is_open() || ec == asio::error::operation_aborted) break;
        if (ec) {
            asio::steady_timer pause(strand, std::chrono::milliseconds(50));
            co_await pause.async_wait(kUseAwaitable);
            continue;
        }
        boost::system::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        on_accept(std::move(socket));
    }
}

}  // namespace

Listener::Listener(asio::io_context& io, const std::string& host, std::uint16_t port)
    : strand_(asio::make_strand(io)), acceptor_(strand_) {
    const std::string where = host + ":" + std::to_string(port);
    boost::system::error_code ec;
    tcp::resolver resolver(io);
    auto endpoints = resolver.resolve(host, std::to_string(port),
                                      tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec || endpoints.empty()) {
        throw std::runtime_error("cannot listen on " + where + ": " +
                                 (ec ? ec.message() : "no address"));
    }
    const tcp::endpoint endpoint = endpoints.begin()->endpoint();
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
    port_ = acceptor_.local_endpoint().port();
}

void Listener::start(OnAccept on_accept, PickExecutor pick) {
    asio::co_spawn(strand_, accept_loop(strand_, acceptor_, std::move(on_accept), std::move(pick)),
                   asio::detached);
}

void Listener::close() {
    asio::post(strand_, [this] {
        boost::system::error_code ignored;
        acceptor_.close(ignored);
    });
}

}  // namespace signet::server::http
