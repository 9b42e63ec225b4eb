// Marks the threads that run the server's I/O event loop, so that work which must never stall
// every connection of a thread (Argon2id, store calls) can check where it runs.
#pragma once

namespace signet::server::http {

namespace detail {
inline thread_local bool on_io_thread = false;
}

// True on a thread inside HttpServer::run()'s event loop.
inline bool on_io_thread() noexcept {
    return detail::on_io_thread;
}

// Marks the current thread as an I/O thread for its lifetime.
class IoThreadScope {
  public:
    IoThreadScope() noexcept { detail::on_io_thread = true; }
    ~IoThreadScope() { detail::on_io_thread = false; }
    IoThreadScope(const IoThreadScope&) = delete;
    IoThreadScope& operator=(const IoThreadScope&) = delete;
};

}  // namespace signet::server::http
