// The engines the store contract suites run on. Each engine type has a static deploy() that opens
// a fresh, empty data set; node() opens the stores a further server node of that deployment would
// get (for an in-process engine, the same ones). Adding an engine: one type here, one name in
// StoreEngines.
#pragma once

#include <gtest/gtest.h>

#include <exception>
#include <functional>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "server/store/memory/memory_stores.hpp"
#include "server/store/redis/redis_stores.hpp"
#include "server/support/redis_server.hpp"

namespace signet::server::test {

struct EngineNode {
    std::shared_ptr<SessionStore> sessions;
    std::shared_ptr<RateLimitStore> rate_limits;
};

struct Deployment {
    std::function<EngineNode()> node;
};

struct MemoryEngine {
    static constexpr const char* kName = "Memory";
    static Deployment deploy() {
        EngineNode shared{.sessions = make_memory_session_store(),
                          .rate_limits = make_memory_rate_limit_store()};
        return Deployment{.node = [shared] { return shared; }};
    }
};

struct RedisEngine {
    static constexpr const char* kName = "Redis";
    // Enough connections that the 8-thread tests do not queue for one.
    static constexpr unsigned kPoolSize = 8;
    static Deployment deploy() {
        return Deployment{.node = [url = signet::test::test_redis_url()] {
            RedisStores stores = open_redis_stores(url, kPoolSize);
            return EngineNode{.sessions = stores.sessions, .rate_limits = stores.rate_limits};
        }};
    }
};

using StoreEngines = ::testing::Types<MemoryEngine, RedisEngine>;

// Typed test names read Suite/Memory.Behaviour, Suite/Redis.Behaviour.
struct EngineName {
    template <class Engine>
    static std::string GetName(int) {
        return Engine::kName;
    }
};

// Runs body(0..count-1) on `count` threads released together; an exception fails the test.
template <class Body>
void run_together(int count, Body body) {
    std::latch start(count);
    std::vector<std::thread> threads;
    for (int i = 0; i < count; ++i) {
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            try {
                body(i);
            } catch (const std::exception& error) {
                ADD_FAILURE() << "thread " << i << " threw: " << error.what();
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
}

}  // namespace signet::server::test
