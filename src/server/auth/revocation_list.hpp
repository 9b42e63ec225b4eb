// The revoked access tokens as this node knows them: a local copy of the deployment's
// RevocationStore, so the per-request check never waits for a store (and keeps enforcing every
// revocation already known while the store is down). A revocation made here counts at once; one
// made by another node counts once sync() has read it (run_server calls it every 250 ms).
// Two kinds: one token by its "jti" (a logout), and every token of a subject issued before a
// moment (a password change, a disabled user), stored as the id "sub:<sub>@<unix seconds>".
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "server/store/revocation_store.hpp"

namespace signet::server {

class RevocationList {
  public:
    explicit RevocationList(std::shared_ptr<RevocationStore> store);

    // Writes through to the store (StoreError when it fails: the revocation did not happen), then
    // refuses the jti locally at once.
    void revoke(std::string_view jti, std::int64_t expires_at);
    // Every access token of `subject` issued before `before` is refused until `expires_at` (by
    // then all of them have expired). StoreError when the store fails.
    void revoke_subject(std::string_view subject, std::int64_t before, std::int64_t expires_at);
    // Local only, never blocks on the store: the token's jti is revoked, or its subject's tokens
    // issued before a revocation of the subject.
    bool is_revoked(std::string_view jti, std::string_view subject, std::int64_t issued_at,
                    std::int64_t now) const;
    // Reads what other nodes revoked since the last sync and forgets expired ids. Throws
    // StoreError when the store cannot be read; the local copy stays as it was.
    void sync(std::int64_t now);

  private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const noexcept {
            return std::hash<std::string_view>{}(text);
        }
    };
    void remember(std::string id, std::int64_t expires_at);

    struct SubjectCutoff {
        std::int64_t before = 0;      // tokens issued earlier are refused
        std::int64_t expires_at = 0;  // when the entry is of no use any more
    };

    std::shared_ptr<RevocationStore> store_;
    std::mutex sync_mutex_;        // one sync at a time
    std::int64_t cursor_ = 0;      // guarded by sync_mutex_
    std::int64_t last_purge_ = 0;  // guarded by sync_mutex_
    mutable std::shared_mutex mutex_;
    std::unordered_map<std::string, std::int64_t, Hash, std::equal_to<>> revoked_;
    std::unordered_map<std::string, SubjectCutoff, Hash, std::equal_to<>> subjects_;
};

}  // namespace signet::server
