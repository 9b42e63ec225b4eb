// Password changes over a real SQLite file: what a change ends, also when a store fails half-way.
#include "server/auth/account_service.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "server/auth/access_token_key_options.hpp"
#include "server/auth/key_manager.hpp"
#include "server/auth/token_service.hpp"
#include "server/http/metrics.hpp"
#include "server/store/memory/memory_stores.hpp"
#include "server/store/sqlite/sqlite_stores.hpp"
#include "server/store/store_error.hpp"
#include "server/store/temp_dir.hpp"

namespace signet::server {
namespace {

constexpr std::int64_t kNow = 1'900'000'000;
constexpr std::string_view kEmail = "ada@example.com";
constexpr std::string_view kOldPassword = "correct horse battery";
constexpr std::string_view kNewPassword = "staple battery horse";

// The SQLite refresh-token store, whose revoke_user can be made to fail like a busy or full
// database would (a fault that cannot be made to happen on cue for real).
class FaultyRefreshTokenStore final : public RefreshTokenStore {
  public:
    explicit FaultyRefreshTokenStore(std::shared_ptr<RefreshTokenStore> inner)
        : inner_(std::move(inner)) {}

    void insert(const RefreshTokenRecord& record) override { inner_->insert(record); }
    std::optional<RefreshTokenRecord> find(std::string_view token_hash) override {
        return inner_->find(token_hash);
    }
    RotateResult rotate(std::string_view old_hash, std::string_view next_hash,
                        std::int64_t next_expires_at, std::int64_t now) override {
        return inner_->rotate(old_hash, next_hash, next_expires_at, now);
    }
    bool revoke_family(std::string_view family_id, std::int64_t now) override {
        return inner_->revoke_family(family_id, now);
    }
    std::size_t revoke_user(std::string_view user_id, std::int64_t now) override {
        if (fail_revoke_user) throw StoreError("sqlite: database is locked (injected)");
        return inner_->revoke_user(user_id, now);
    }
    std::size_t revoke_client(std::string_view client_id, std::int64_t now) override {
        return inner_->revoke_client(client_id, now);
    }
    std::size_t purge_expired(std::int64_t now) override { return inner_->purge_expired(now); }

    bool fail_revoke_user = false;

  private:
    std::shared_ptr<RefreshTokenStore> inner_;
};

class PasswordChange : public ::testing::Test {
  protected:
    User registered_user() {
        const Registration registration = accounts_.register_user(kEmail, kOldPassword, kNow);
        EXPECT_EQ(registration.status, RegisterStatus::created);
        return registration.user;
    }
    LoginStatus login_status(std::string_view password) {
        return accounts_.check_password(kEmail, password, "192.0.2.1", kNow).status;
    }

    test::TempDir dir_;
    SqliteStores stores_ = open_sqlite_stores(dir_ / "signet.db");
    FaultyRefreshTokenStore refresh_tokens_{stores_.refresh_tokens};
    std::shared_ptr<SessionStore> sessions_ = make_memory_session_store();
    RevocationList revocations_{make_memory_revocation_store()};
    PasswordHasher hasher_{8192, 1};
    LoginRateLimiter limiter_{make_memory_rate_limit_store(), 100, 100, std::chrono::seconds(300)};
    KeyManager keys_{stores_.keys, test::access_token_key_options()};
    http::Metrics metrics_;
    TokenService tokens_{TokenSettings{.issuer = "https://issuer.example",
                                       .audience = "api",
                                       .scope = "",
                                       .access_ttl = std::chrono::seconds(900),
                                       .refresh_ttl = std::chrono::seconds(3600),
                                       .refresh_family_max_lifetime = std::chrono::hours(24),
                                       .leeway = std::chrono::seconds(0)},
                         keys_,
                         *stores_.users,
                         refresh_tokens_,
                         revocations_,
                         metrics_};
    AccountService accounts_{
        *stores_.users, refresh_tokens_,          *sessions_, revocations_, hasher_,
        limiter_,       std::chrono::seconds(900)};
};

// The change and the end of the refresh families it must end cannot come apart: a failure after
// the new password is stored (a busy or full database, kill -9) leaves no refresh token of before
// the change usable, and the caller is told the change happened (OWASP Authentication Cheat Sheet,
// "Change Password Feature"; issue "Hardening II", item 5).
TEST_F(PasswordChange, EndsEarlierRefreshFamiliesEvenWhenRevokingThemFails) {
    const User user = registered_user();
    const TokenPair before = tokens_.issue(user, kNow);
    refresh_tokens_.fail_revoke_user = true;

    bool changed = false;
    EXPECT_NO_THROW(changed = accounts_.change_password(user, kNewPassword, kNow + 1));
    EXPECT_TRUE(changed);

    const TokenService::RefreshResult refreshed = tokens_.refresh(before.refresh_token, kNow + 2);
    EXPECT_FALSE(refreshed.pair.has_value()) << "a refresh token of before the change refreshed";
    EXPECT_EQ(refreshed.failure, RefreshFailure::revoked);
    EXPECT_EQ(login_status(kOldPassword), LoginStatus::invalid_credentials);
    EXPECT_EQ(login_status(kNewPassword), LoginStatus::ok);
}

// A login that checked the old password just before the change and records its family just after
// it must not outlive the change either.
TEST_F(PasswordChange, EndsAFamilyIssuedToAUserReadBeforeTheChange) {
    const User read_before_change = registered_user();
    ASSERT_TRUE(accounts_.change_password(read_before_change, kNewPassword, kNow + 1));
    const TokenPair late = tokens_.issue(read_before_change, kNow + 1);
    EXPECT_FALSE(tokens_.refresh(late.refresh_token, kNow + 2).pair.has_value());
}

// What the change leaves: families begun after it refresh as before, rotation after rotation.
TEST_F(PasswordChange, FamiliesBegunAfterTheChangeKeepRefreshing) {
    const User user = registered_user();
    ASSERT_TRUE(accounts_.change_password(user, kNewPassword, kNow + 1));
    const LoginCheck login = accounts_.check_password(kEmail, kNewPassword, "192.0.2.1", kNow + 2);
    ASSERT_EQ(login.status, LoginStatus::ok);
    std::string refresh_token = tokens_.issue(*login.user, kNow + 2).refresh_token;
    for (std::int64_t i = 3; i < 6; ++i) {
        const TokenService::RefreshResult refreshed = tokens_.refresh(refresh_token, kNow + i);
        ASSERT_TRUE(refreshed.pair.has_value()) << "rotation " << i;
        refresh_token = refreshed.pair->refresh_token;
    }
}

}  // namespace
}  // namespace signet::server
