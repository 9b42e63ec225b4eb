// Request ids: a random per-process prefix and a counter ("1a2b3c4d-2a"), unique across nodes
// with high probability and cheap to make.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace signet::server::http {

class RequestIds {
  public:
    RequestIds();
    std::string next();  // thread-safe

  private:
    std::string prefix_;
    std::atomic<std::uint64_t> counter_{0};
};

}  // namespace signet::server::http
