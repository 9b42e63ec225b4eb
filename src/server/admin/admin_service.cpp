// The admin operations behind the CLI.
#include "server/admin/admin_service.hpp"

#include <algorithm>

#include "server/auth/key_manager.hpp"
#include "server/clock.hpp"

namespace signet::server {
namespace {

StoreSettings admin_store_settings(const ServerConfig& config, bool create) {
    StoreSettings settings = store_settings(config);
    settings.create = create;
    settings.database_pool_size = 2;  // one command, one connection at a time
    return settings;
}

}  // namespace

AdminService::AdminService(const ServerConfig& config, bool create)
    : stores_(open_stores(admin_store_settings(config, create))),
      hasher_(config.argon2_memory_kib, config.argon2_iterations),
      limiter_(stores_.rate_limits, config.login_limit_per_email, config.login_limit_per_address,
               config.login_limit_window),
      revocations_(stores_.revocations),
      accounts_(*stores_.users, *stores_.refresh_tokens, *stores_.sessions, revocations_, hasher_,
                limiter_, config.access_token_ttl + config.leeway) {}

Registration AdminService::add_user(std::string_view email, std::string_view password) {
    return accounts_.register_user(email, password, unix_now());
}

std::vector<User> AdminService::list_users() {
    return stores_.users->list();
}

std::optional<User> AdminService::set_disabled(std::string_view email, bool disabled) {
    return accounts_.set_disabled(email, disabled, unix_now());
}

std::optional<std::string> AdminService::rotate_key(std::optional<Algorithm> alg) {
    if (!alg) {
        const std::vector<StoredKey> keys = stores_.keys->list();
        if (std::none_of(keys.begin(), keys.end(),
                         [](const StoredKey& key) { return !key.retired_at; })) {
            return std::nullopt;
        }
    }
    return KeyManager::rotate(*stores_.keys, alg, std::nullopt);
}

}  // namespace signet::server
