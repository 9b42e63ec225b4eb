// The access log: one JSON line per request on stderr (time, request id, method, path, route,
// status, duration, client, bytes out), and error lines for failures the client never sees.
#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>

#include "server/http/types.hpp"

namespace signet::server::http {

class AccessLog {
  public:
    explicit AccessLog(bool log_requests) : log_requests_(log_requests) {}

    // One line for an answered request (nothing when request logging is off).
    void request(const RequestContext& context, std::string_view method, std::string_view path,
                 unsigned status, std::chrono::duration<double> elapsed,
                 std::size_t bytes_out) const;
    // Always written: a handler or a connection failed.
    void error(std::string_view request_id, std::string_view message) const;

  private:
    bool log_requests_;
};

}  // namespace signet::server::http
