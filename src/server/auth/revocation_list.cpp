// The local copy of the revoked token ids.
#include "server/auth/revocation_list.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace signet::server {

RevocationList::RevocationList(std::shared_ptr<RevocationStore> store) : store_(std::move(store)) {}

namespace {

constexpr std::string_view kSubjectPrefix = "sub:";

// "sub:<subject>@<before>" as (subject, before); nullopt for a plain jti. Access-token jtis are
// base64url, so they never start with "sub:".
std::optional<std::pair<std::string_view, std::int64_t>> subject_entry(std::string_view id) {
    if (!id.starts_with(kSubjectPrefix)) return std::nullopt;
    const std::size_t at = id.rfind('@');
    if (at == std::string_view::npos || at < kSubjectPrefix.size()) return std::nullopt;
    std::int64_t before = 0;
    const std::string_view digits = id.substr(at + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), before);
    if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
    return std::pair{id.substr(kSubjectPrefix.size(), at - kSubjectPrefix.size()), before};
}

}  // namespace

void RevocationList::remember(std::string id, std::int64_t expires_at) {
    std::unique_lock lock(mutex_);
    if (const auto subject = subject_entry(id)) {
        auto [it, inserted] = subjects_.try_emplace(std::string(subject->first),
                                                    SubjectCutoff{subject->second, expires_at});
        if (!inserted) {
            it->second.before = std::max(it->second.before, subject->second);
            it->second.expires_at = std::max(it->second.expires_at, expires_at);
        }
        return;
    }
    auto [it, inserted] = revoked_.try_emplace(std::move(id), expires_at);
    if (!inserted) it->second = std::max(it->second, expires_at);
}

void RevocationList::revoke(std::string_view jti, std::int64_t expires_at) {
    store_->revoke(jti, expires_at);
    remember(std::string(jti), expires_at);
}

void RevocationList::revoke_subject(std::string_view subject, std::int64_t before,
                                    std::int64_t expires_at) {
    revoke(std::string(kSubjectPrefix) + std::string(subject) + "@" + std::to_string(before),
           expires_at);
}

bool RevocationList::is_revoked(std::string_view jti, std::string_view subject,
                                std::int64_t issued_at, std::int64_t now) const {
    std::shared_lock lock(mutex_);
    const auto it = revoked_.find(jti);
    if (it != revoked_.end() && now < it->second) return true;
    if (subjects_.empty()) return false;
    const auto cutoff = subjects_.find(subject);
    return cutoff != subjects_.end() && now < cutoff->second.expires_at &&
           issued_at < cutoff->second.before;
}

void RevocationList::sync(std::int64_t now) {
    std::lock_guard guard(sync_mutex_);
    std::vector<RevokedToken> fresh = store_->changes_since(cursor_, now);
    for (RevokedToken& token : fresh)
        remember(std::move(token.jti), token.expires_at);
    // Expired ids are of no use: forgotten here every minute, in the store every hour.
    if (now - last_purge_ < 60) return;
    {
        std::unique_lock lock(mutex_);
        std::erase_if(revoked_, [now](const auto& item) { return item.second <= now; });
        std::erase_if(subjects_, [now](const auto& item) { return item.second.expires_at <= now; });
    }
    if (now / 3600 != last_purge_ / 3600) store_->purge_expired(now);
    last_purge_ = now;
}

}  // namespace signet::server
