// Registered users: a stable id, a normalized email, an Argon2id password hash, a disabled flag,
// and the count of password changes that ends the refresh families begun before the last one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace signet::server {

struct User {
    std::string id;             // stable and random; the "sub" of every token (never the email)
    std::string email;          // normalized (trimmed, lower-case)
    std::string password_hash;  // libsodium's encoded Argon2id string
    bool disabled = false;
    std::int64_t created_at = 0;  // Unix seconds
    // Advanced by every password change; a refresh family begun under an older one no longer
    // refreshes (RefreshTokenRecord::password_generation).
    std::int64_t password_generation = 0;
};

class UserStore {
  public:
    virtual ~UserStore() = default;

    // Inserts the user; false when the email is taken (nothing is written then).
    virtual bool create(const User& user) = 0;
    virtual std::optional<User> find_by_email(std::string_view email) = 0;
    virtual std::optional<User> find_by_id(std::string_view id) = 0;
    // Stores the hash of a new password and advances the password generation in the same write,
    // so no failure can leave the new password set and the refresh families of the old one
    // usable. false when no such user.
    virtual bool replace_password(std::string_view user_id, std::string_view hash) = 0;
    // Stores a new hash of the same password (made at another cost) unless the password changed
    // since `password_generation` was read: a login racing a change must not put the old password
    // back. false, and nothing written, then or when no such user.
    virtual bool upgrade_password_hash(std::string_view user_id, std::string_view hash,
                                       std::int64_t password_generation) = 0;
    virtual bool set_disabled(std::string_view email, bool disabled) = 0;
    // Every user, oldest first.
    virtual std::vector<User> list() = 0;
};

}  // namespace signet::server
