// The AuthorizationCodeStore contract (server/store/authorization_code_store.hpp): a code is
// redeemed first once and replayed after, forgotten unused when it expires and used at its first
// redemption's remember_until, shared by every node, and of many concurrent redemptions exactly one
// is first, on every engine.
#include <atomic>

#include "server/store/contract/engines.hpp"

namespace signet::server::contract {
namespace {

template <class Engine>
class AuthorizationCodeStoreContract : public EngineTest<Engine> {
  protected:
    AuthorizationCodeStore& codes() { return *this->stores_.authorization_codes; }
};
TYPED_TEST_SUITE(AuthorizationCodeStoreContract, AuthorizationCodeEngines, EngineName);

void expect_same_code(const AuthorizationCode& actual, const AuthorizationCode& expected) {
    EXPECT_EQ(actual.client_id, expected.client_id);
    EXPECT_EQ(actual.redirect_uri, expected.redirect_uri);
    EXPECT_EQ(actual.user_id, expected.user_id);
    EXPECT_EQ(actual.scope, expected.scope);
    EXPECT_EQ(actual.nonce, expected.nonce);
    EXPECT_EQ(actual.code_challenge, expected.code_challenge);
    EXPECT_EQ(actual.auth_time, expected.auth_time);
    EXPECT_EQ(actual.expires_at, expected.expires_at);
    EXPECT_EQ(actual.family_id, expected.family_id);
    EXPECT_EQ(actual.access_token_jti, expected.access_token_jti);
}

// Codes below are issued at 1000 and expire at 1060; a redemption remembers them until 1600.
constexpr std::int64_t kIssued = 1000;
constexpr std::int64_t kRemember = 1600;

TYPED_TEST(AuthorizationCodeStoreContract, AStoredCodeIsRedeemedFirstWithEveryField) {
    const AuthorizationCode code = make_code("app", 1060);
    this->codes().put("k1", code, kIssued);
    const RedeemedCode redeemed = this->codes().redeem("k1", 1010, kRemember);
    EXPECT_EQ(redeemed.outcome, CodeRedemption::first);
    expect_same_code(redeemed.code, code);
    EXPECT_FALSE(this->codes().replayed("k1", 1010));
}

TYPED_TEST(AuthorizationCodeStoreContract, EmptyFieldsStayEmpty) {
    AuthorizationCode code = make_code("app", 1060);
    code.nonce.clear();
    code.scope.clear();
    this->codes().put("k1", code, kIssued);
    const RedeemedCode redeemed = this->codes().redeem("k1", 1010, kRemember);
    EXPECT_EQ(redeemed.outcome, CodeRedemption::first);
    EXPECT_EQ(redeemed.code.nonce, "");
    EXPECT_EQ(redeemed.code.scope, "");
    EXPECT_EQ(redeemed.code.family_id, code.family_id);
}

TYPED_TEST(AuthorizationCodeStoreContract, EveryLaterRedemptionIsAReplayReturningTheRecord) {
    const AuthorizationCode code = make_code("app", 1060);
    this->codes().put("k1", code, kIssued);
    ASSERT_EQ(this->codes().redeem("k1", 1010, kRemember).outcome, CodeRedemption::first);
    // Also after the code's own expiry: the first redemption's remember_until holds.
    for (const std::int64_t now : {1011, 1020, 1300, 1599}) {
        const RedeemedCode again = this->codes().redeem("k1", now, now + 600);
        EXPECT_EQ(again.outcome, CodeRedemption::replayed) << now;
        // What the replay must revoke.
        EXPECT_EQ(again.code.family_id, code.family_id) << now;
        EXPECT_EQ(again.code.access_token_jti, code.access_token_jti) << now;
    }
    // A replay does not extend the memory of the code.
    EXPECT_EQ(this->codes().redeem("k1", kRemember, kRemember + 600).outcome,
              CodeRedemption::unknown);
}

TYPED_TEST(AuthorizationCodeStoreContract, AReplayMarksTheCodeForItsFirstExchangeToSee) {
    this->codes().put("k1", make_code("app", 1060), kIssued);
    this->codes().put("k2", make_code("app", 1060), kIssued);
    EXPECT_FALSE(this->codes().replayed("k1", 1005));
    ASSERT_EQ(this->codes().redeem("k1", 1010, kRemember).outcome, CodeRedemption::first);
    ASSERT_EQ(this->codes().redeem("k2", 1010, kRemember).outcome, CodeRedemption::first);
    EXPECT_FALSE(this->codes().replayed("k1", 1011));
    ASSERT_EQ(this->codes().redeem("k1", 1012, kRemember).outcome, CodeRedemption::replayed);
    EXPECT_TRUE(this->codes().replayed("k1", 1013));
    EXPECT_FALSE(this->codes().replayed("k2", 1013));
    EXPECT_FALSE(this->codes().replayed("unknown", 1013));
    EXPECT_FALSE(this->codes().replayed("k1", kRemember));
}

TYPED_TEST(AuthorizationCodeStoreContract, AnUnknownKeyIsUnknown) {
    this->codes().put("k1", make_code("app", 1060), kIssued);
    EXPECT_EQ(this->codes().redeem("k2", 1010, kRemember).outcome, CodeRedemption::unknown);
    EXPECT_EQ(this->codes().redeem("k", 1010, kRemember).outcome, CodeRedemption::unknown);
    EXPECT_EQ(this->codes().redeem("k1", 1010, kRemember).outcome, CodeRedemption::first);
}

// Codes nobody redeems cost nothing past their 60 s.
TYPED_TEST(AuthorizationCodeStoreContract, AnUnusedCodeIsForgottenWhenItExpires) {
    this->codes().put("k1", make_code("app", 1060), kIssued);
    this->codes().put("k2", make_code("app", 1060), kIssued);
    EXPECT_EQ(this->codes().redeem("k1", 1060, kRemember).outcome, CodeRedemption::unknown);
    // Gone for good, even for a caller whose clock is behind.
    EXPECT_EQ(this->codes().redeem("k1", 1059, kRemember).outcome, CodeRedemption::unknown);
    EXPECT_EQ(this->codes().redeem("k2", 1059, kRemember).outcome, CodeRedemption::first);
}

TYPED_TEST(AuthorizationCodeStoreContract, ARedeemedCodeIsForgottenAtRememberUntil) {
    this->codes().put("used", make_code("app", 1060), kIssued);
    ASSERT_EQ(this->codes().redeem("used", 1010, kRemember).outcome, CodeRedemption::first);
    EXPECT_EQ(this->codes().redeem("used", kRemember, kRemember + 600).outcome,
              CodeRedemption::unknown);
    EXPECT_EQ(this->codes().redeem("used", 1500, kRemember).outcome, CodeRedemption::unknown);
}

TYPED_TEST(AuthorizationCodeStoreContract, CodesAreSharedByEveryNode) {
    EngineStores other = this->stores_.open_again();
    const AuthorizationCode code = make_code("app", 1060);
    this->codes().put("k1", code, kIssued);
    const RedeemedCode on_other = other.authorization_codes->redeem("k1", 1010, kRemember);
    EXPECT_EQ(on_other.outcome, CodeRedemption::first);
    expect_same_code(on_other.code, code);
    EXPECT_EQ(this->codes().redeem("k1", 1011, kRemember).outcome, CodeRedemption::replayed);
    EXPECT_TRUE(other.authorization_codes->replayed("k1", 1012));
}

TYPED_TEST(AuthorizationCodeStoreContract, ManyCodesLiveSideBySide) {
    for (int i = 0; i < 50; ++i) {
        AuthorizationCode code = make_code("app", 1060);
        code.user_id = "u" + std::to_string(i);
        this->codes().put("k" + std::to_string(i), code, kIssued);
    }
    for (int i = 0; i < 50; i += 2) {
        ASSERT_EQ(this->codes().redeem("k" + std::to_string(i), 1010, kRemember).outcome,
                  CodeRedemption::first);
    }
    for (int i = 0; i < 50; ++i) {
        const RedeemedCode redeemed =
            this->codes().redeem("k" + std::to_string(i), 1020, kRemember);
        EXPECT_EQ(redeemed.outcome, i % 2 == 0 ? CodeRedemption::replayed : CodeRedemption::first)
            << i;
        EXPECT_EQ(redeemed.code.user_id, "u" + std::to_string(i));
    }
}

TYPED_TEST(AuthorizationCodeStoreContract, OfManyConcurrentRedemptionsOfOneCodeExactlyOneIsFirst) {
    EngineStores other = this->stores_.open_again();
    for (int round = 0; round < 5; ++round) {
        const std::string key = "race" + std::to_string(round);
        this->codes().put(key, make_code("app", 1060), kIssued);
        std::atomic<int> first{0};
        std::atomic<int> replayed{0};
        std::atomic<int> unknown{0};
        run_together(16, [&](int i) {
            AuthorizationCodeStore& store = i % 2 == 0 ? this->codes() : *other.authorization_codes;
            switch (store.redeem(key, 1010, kRemember).outcome) {
                case CodeRedemption::first: ++first; break;
                case CodeRedemption::replayed: ++replayed; break;
                case CodeRedemption::unknown: ++unknown; break;
            }
        });
        EXPECT_EQ(first.load(), 1) << "round " << round;
        EXPECT_EQ(replayed.load(), 15) << "round " << round;
        EXPECT_EQ(unknown.load(), 0) << "round " << round;
        EXPECT_TRUE(this->codes().replayed(key, 1011)) << "round " << round;
    }
}

}  // namespace
}  // namespace signet::server::contract
