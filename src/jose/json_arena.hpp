// A memory resource for one small JSON document (a claims set, a protected header): its first
// 2 KiB come from a buffer inside the resource itself, so a document of the usual size costs one
// allocation in all (the shared resource) instead of one per member, key and long string.
#pragma once

#include <boost/json/memory_resource.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/storage_ptr.hpp>
#include <cstddef>

namespace signet::detail {

class JsonArena final : public boost::json::memory_resource {
  public:
    JsonArena() : resource_(buffer_, sizeof(buffer_)) {}

    // A storage for one document; values built in it must be moved out by construction only
    // (Boost.JSON's move assignment between different storages copies).
    static boost::json::storage_ptr make() {
        return boost::json::make_shared_resource<JsonArena>();
    }

  private:
    void* do_allocate(std::size_t n, std::size_t align) override {
        return resource_.allocate(n, align);
    }
    void do_deallocate(void*, std::size_t, std::size_t) override {}
    bool do_is_equal(const boost::json::memory_resource& other) const noexcept override {
        return this == &other;
    }
    boost::json::monotonic_resource resource_;
    alignas(std::max_align_t) unsigned char buffer_[2048];
};

}  // namespace signet::detail
