// Building blocks of the in-memory stores: maps split into independently locked shards (so
// unrelated keys on the hot path do not contend), the latest time the store has been told about,
// and the schedule of the sweeps that drop expired entries.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>

namespace signet::server::memory {

inline constexpr std::size_t kShardCount = 16;

// Transparent hashing: lookups by std::string_view do not build a std::string.
struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const noexcept {
        return std::hash<std::string_view>{}(text);
    }
};

// A fixed set of shards; a key always maps to the same one.
template <class Shard>
class Shards {
  public:
    Shard& for_key(std::string_view key) { return shards_[StringHash{}(key) % kShardCount]; }
    std::array<Shard, kShardCount>& all() { return shards_; }

  private:
    std::array<Shard, kShardCount> shards_;
};

// The newest "now" any caller has passed in. Writes carry no time of their own, so a sweep
// started by a write drops what has expired as of the latest read; callers' clocks (real or, in
// tests, simulated) are used consistently and never mixed with the system clock.
class ObservedClock {
  public:
    void observe(std::int64_t now) noexcept {
        auto seen = latest_.load(std::memory_order_relaxed);
        while (now > seen && !latest_.compare_exchange_weak(seen, now, std::memory_order_relaxed)) {
        }
    }
    std::int64_t latest() const noexcept { return latest_.load(std::memory_order_relaxed); }

  private:
    std::atomic<std::int64_t> latest_{std::numeric_limits<std::int64_t>::min()};
};

// A shard is swept once it has taken as many writes as it held entries after its last sweep
// (at least kMinimum): the cost of sweeping stays constant per write, amortized, and the number
// of expired entries held stays proportional to the live ones.
class SweepSchedule {
  public:
    static constexpr std::size_t kMinimum = 64;

    bool due() noexcept { return ++writes_ >= threshold_; }
    void swept(std::size_t remaining) noexcept {
        writes_ = 0;
        threshold_ = std::max(kMinimum, remaining);
    }

  private:
    std::size_t writes_ = 0;
    std::size_t threshold_ = kMinimum;
};

}  // namespace signet::server::memory
