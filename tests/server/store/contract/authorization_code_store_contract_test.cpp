// The AuthorizationCodeStore contract (server/store/authorization_code_store.hpp): a code is
// redeemed first once and replayed after, forgotten at keep_until, shared by every node, and of
// many concurrent redemptions exactly one is first, on every engine.
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

TYPED_TEST(AuthorizationCodeStoreContract, AStoredCodeIsRedeemedFirstWithEveryField) {
    const AuthorizationCode code = make_code("app", 1060);
    this->codes().put("k1", code, 1600);
    const RedeemedCode redeemed = this->codes().redeem("k1", 1010);
    EXPECT_EQ(redeemed.outcome, CodeRedemption::first);
    expect_same_code(redeemed.code, code);
}

TYPED_TEST(AuthorizationCodeStoreContract, EmptyFieldsStayEmpty) {
    AuthorizationCode code = make_code("app", 1060);
    code.nonce.clear();
    code.scope.clear();
    this->codes().put("k1", code, 1600);
    const RedeemedCode redeemed = this->codes().redeem("k1", 1010);
    EXPECT_EQ(redeemed.outcome, CodeRedemption::first);
    EXPECT_EQ(redeemed.code.nonce, "");
    EXPECT_EQ(redeemed.code.scope, "");
    EXPECT_EQ(redeemed.code.family_id, code.family_id);
}

TYPED_TEST(AuthorizationCodeStoreContract, EveryLaterRedemptionIsAReplayReturningTheRecord) {
    const AuthorizationCode code = make_code("app", 1060);
    this->codes().put("k1", code, 1600);
    ASSERT_EQ(this->codes().redeem("k1", 1010).outcome, CodeRedemption::first);
    for (const std::int64_t now : {1011, 1020, 1599}) {
        const RedeemedCode again = this->codes().redeem("k1", now);
        EXPECT_EQ(again.outcome, CodeRedemption::replayed) << now;
        // What the replay must revoke.
        EXPECT_EQ(again.code.family_id, code.family_id) << now;
        EXPECT_EQ(again.code.access_token_jti, code.access_token_jti) << now;
    }
}

TYPED_TEST(AuthorizationCodeStoreContract, AnUnknownKeyIsUnknown) {
    this->codes().put("k1", make_code("app", 1060), 1600);
    EXPECT_EQ(this->codes().redeem("k2", 1010).outcome, CodeRedemption::unknown);
    EXPECT_EQ(this->codes().redeem("k", 1010).outcome, CodeRedemption::unknown);
    EXPECT_EQ(this->codes().redeem("k1", 1010).outcome, CodeRedemption::first);
}

// Expiry is the caller's to judge from expires_at; the store keeps an expired, unused code
// until keep_until so a late attempt is still recognised.
TYPED_TEST(AuthorizationCodeStoreContract, AnExpiredCodeIsStillRedeemedUntilKeepUntil) {
    this->codes().put("k1", make_code("app", 1060), 1600);
    const RedeemedCode late = this->codes().redeem("k1", 1300);
    EXPECT_EQ(late.outcome, CodeRedemption::first);
    EXPECT_EQ(late.code.expires_at, 1060);
}

TYPED_TEST(AuthorizationCodeStoreContract, ARecordIsForgottenAtKeepUntilUsedOrNot) {
    this->codes().put("unused", make_code("app", 1060), 1600);
    this->codes().put("used", make_code("app", 1060), 1600);
    ASSERT_EQ(this->codes().redeem("used", 1010).outcome, CodeRedemption::first);
    EXPECT_EQ(this->codes().redeem("unused", 1600).outcome, CodeRedemption::unknown);
    EXPECT_EQ(this->codes().redeem("used", 1600).outcome, CodeRedemption::unknown);
    // Gone for good, even for a caller whose clock is behind.
    EXPECT_EQ(this->codes().redeem("unused", 1500).outcome, CodeRedemption::unknown);
    EXPECT_EQ(this->codes().redeem("used", 1500).outcome, CodeRedemption::unknown);
}

TYPED_TEST(AuthorizationCodeStoreContract, CodesAreSharedByEveryNode) {
    EngineStores other = this->stores_.open_again();
    const AuthorizationCode code = make_code("app", 1060);
    this->codes().put("k1", code, 1600);
    const RedeemedCode on_other = other.authorization_codes->redeem("k1", 1010);
    EXPECT_EQ(on_other.outcome, CodeRedemption::first);
    expect_same_code(on_other.code, code);
    EXPECT_EQ(this->codes().redeem("k1", 1011).outcome, CodeRedemption::replayed);
}

TYPED_TEST(AuthorizationCodeStoreContract, ManyCodesLiveSideBySide) {
    for (int i = 0; i < 50; ++i) {
        AuthorizationCode code = make_code("app", 1060);
        code.user_id = "u" + std::to_string(i);
        this->codes().put("k" + std::to_string(i), code, 1600);
    }
    for (int i = 0; i < 50; i += 2) {
        ASSERT_EQ(this->codes().redeem("k" + std::to_string(i), 1010).outcome,
                  CodeRedemption::first);
    }
    for (int i = 0; i < 50; ++i) {
        const RedeemedCode redeemed = this->codes().redeem("k" + std::to_string(i), 1020);
        EXPECT_EQ(redeemed.outcome, i % 2 == 0 ? CodeRedemption::replayed : CodeRedemption::first)
            << i;
        EXPECT_EQ(redeemed.code.user_id, "u" + std::to_string(i));
    }
}

TYPED_TEST(AuthorizationCodeStoreContract, OfManyConcurrentRedemptionsOfOneCodeExactlyOneIsFirst) {
    EngineStores other = this->stores_.open_again();
    for (int round = 0; round < 5; ++round) {
        const std::string key = "race" + std::to_string(round);
        this->codes().put(key, make_code("app", 1060), 1600);
        std::atomic<int> first{0};
        std::atomic<int> replayed{0};
        std::atomic<int> unknown{0};
        run_together(16, [&](int i) {
            AuthorizationCodeStore& store = i % 2 == 0 ? this->codes() : *other.authorization_codes;
            switch (store.redeem(key, 1010).outcome) {
                case CodeRedemption::first: ++first; break;
                case CodeRedemption::replayed: ++replayed; break;
                case CodeRedemption::unknown: ++unknown; break;
            }
        });
        EXPECT_EQ(first.load(), 1) << "round " << round;
        EXPECT_EQ(replayed.load(), 15) << "round " << round;
        EXPECT_EQ(unknown.load(), 0) << "round " << round;
    }
}

}  // namespace
}  // namespace signet::server::contract
