// What the CLI's `user` and `key` commands do to a deployment, through the same stores
// (open_stores) and services the server uses: users are hashed with the configured Argon2id cost,
// disabling ends refresh families and sessions on every node, keys rotate as the key manager
// rotates them. The CLI never touches a store engine itself.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/auth/account_service.hpp"
#include "server/auth/login_rate_limiter.hpp"
#include "server/auth/password_hasher.hpp"
#include "server/auth/revocation_list.hpp"
#include "server/config.hpp"
#include "server/store/stores.hpp"

namespace signet::server {

class AdminService {
  public:
    // Opens the deployment the settings name. With `create` false an embedded deployment that
    // does not exist yet is not created (DeploymentNotFound). Throws StoreError.
    AdminService(const ServerConfig& config, bool create);

    Registration add_user(std::string_view email, std::string_view password);
    // Every user, oldest first.
    std::vector<User> list_users();
    // nullopt when there is no such user.
    std::optional<User> set_disabled(std::string_view email, bool disabled);
    // A new current key; the previous one stays published until its tokens expire. `alg` unset:
    // the algorithm of the current key, and nullopt when there is none to take it from. Throws
    // ConfigError for an unusable algorithm.
    std::optional<std::string> rotate_key(std::optional<Algorithm> alg);

  private:
    Stores stores_;
    PasswordHasher hasher_;
    LoginRateLimiter limiter_;  // unused by admin calls; AccountService needs one
    RevocationList revocations_;
    AccountService accounts_;
};

}  // namespace signet::server
