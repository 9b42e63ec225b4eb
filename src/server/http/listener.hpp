// A listening socket and its accept loop: each accepted connection is handed, bound to the
// executor a second callback picks for it (one I/O thread's io_context), to a callback that starts
// its session.
#pragma once

#include <boost/asio/any_io_executor.hpp>
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
    // The socket arrives bound to the executor `pick` gave for it, where its session should run.
    using OnAccept = std::function<void(boost::asio::ip::tcp::socket)>;
    // Called once per accept, on the listener's strand: the executor of the next connection.
    using PickExecutor = std::function<boost::asio::any_io_executor()>;

    // Binds and listens; throws std::runtime_error naming host:port on failure.
    Listener(boost::asio::io_context& io, const std::string& host, std::uint16_t port);

    std::uint16_t port() const noexcept { return port_; }
    Strand& strand() noexcept { return strand_; }
    // Starts the accept loop (call once, before io.run()).
    void start(OnAccept on_accept, PickExecutor pick);
    // Stops accepting; thread-safe.
    void close();

  private:
    Strand strand_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
};

}  // namespace signet::server::http
