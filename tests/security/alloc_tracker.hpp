// Counts heap allocations made while a scope is active, by replacing the global operator new of
// this test binary. Lets a test prove that hostile input is refused without allocating in
// proportion to what it claims (a zip bomb's inflated size, a multi-megabyte token).
#pragma once

#include <cstddef>

namespace signet::security {

struct AllocationStats {
    std::size_t count = 0;    // operator new calls
    std::size_t total = 0;    // bytes requested in all
    std::size_t largest = 0;  // the largest single request
};

// Tracks the allocations of every thread from construction to stats(). One scope at a time.
class AllocationScope {
  public:
    AllocationScope();
    ~AllocationScope();
    AllocationScope(const AllocationScope&) = delete;
    AllocationScope& operator=(const AllocationScope&) = delete;

    AllocationStats stats() const;
};

}  // namespace signet::security
