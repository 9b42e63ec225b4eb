// A listening socket and its accept loop: each accepted connection is handed, on a strand of its
// own, to a callback that starts its session.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <cstdint>
#include <functional>
#include <string>

namespace signet::server::http {

class Listener {
  public:
    using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;
    // The socket arrives on a fresh strand (its executor), where the session should run.
    using OnAccept = std::function<void(boost::asio::ip::tcp::socket)>;

    // Binds and listens; throws std::runtime_error naming host:port on failure.
    Listener(boost::asio::io_context& io, const std::string& host, std::uint16_t port);

    std::uint16_t port() const noexcept { return port_; }
    Strand& strand() noexcept { return strand_; }
    // Starts the accept loop (call once, before io.run()).
    void start(OnAccept on_accept);
    // Stops accepting; thread-safe.
    void close();

  private:
    boost::asio::io_context& io_;
    Strand strand_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
};

}  // namespace signet::server::http
