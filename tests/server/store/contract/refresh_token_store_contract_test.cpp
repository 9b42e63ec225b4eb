// The RefreshTokenStore contract (server/store/refresh_token_store.hpp): rotation in every outcome,
// families, purging, and exactly-once rotation under concurrency, on every engine.
#include <atomic>

#include "server/store/contract/engines.hpp"
#include "server/store/store_error.hpp"

namespace signet::server::contract {
namespace {

template <class Engine>
class RefreshTokenStoreContract : public EngineTest<Engine> {
  protected:
    RefreshTokenStore& tokens() { return *this->stores_.refresh_tokens; }
};
TYPED_TEST_SUITE(RefreshTokenStoreContract, RefreshTokenEngines, EngineName);

TYPED_TEST(RefreshTokenStoreContract, InsertedTokenIsFoundLive) {
    this->tokens().insert(make_token("h1", "f1", "u1", 1000, 2000));
    const auto record = this->tokens().find("h1");
    ASSERT_TRUE(record.has_value());
    EXPECT_EQ(record->token_hash, "h1");
    EXPECT_EQ(record->family_id, "f1");
    EXPECT_EQ(record->user_id, "u1");
    EXPECT_EQ(record->issued_at, 1000);
    EXPECT_EQ(record->expires_at, 2000);
    EXPECT_FALSE(record->used);
    EXPECT_FALSE(record->revoked);
    EXPECT_FALSE(this->tokens().find("unknown").has_value());
}

// The generation a family began under is what TokenService compares with the user's after a
// password change; every token of the family, first or rotated, carries it.
TYPED_TEST(RefreshTokenStoreContract, EveryTokenOfAFamilyCarriesItsPasswordGeneration) {
    auto first = make_token("h1", "f1", "u1", 1000, 5000);
    first.password_generation = 3;
    this->tokens().insert(first);
    this->tokens().insert(make_token("g1", "f2", "u1", 1000, 5000));
    EXPECT_EQ(this->tokens().find("h1")->password_generation, 3);
    EXPECT_EQ(this->tokens().find("g1")->password_generation, 0);

    ASSERT_EQ(this->tokens().rotate("h1", "h2", 5000, 1100).outcome, RotateOutcome::rotated);
    ASSERT_EQ(this->tokens().rotate("h2", "h3", 5000, 1200).outcome, RotateOutcome::rotated);
    EXPECT_EQ(this->tokens().find("h2")->password_generation, 3);
    EXPECT_EQ(this->tokens().find("h3")->password_generation, 3);
}

// The family's absolute lifetime (TokenService) runs from its first token, whichever token of the
// family is presented.
TYPED_TEST(RefreshTokenStoreContract, EveryTokenOfAFamilyCarriesWhenTheFamilyBegan) {
    this->tokens().insert(make_token("h1", "f1", "u1", 1000, 5000));
    this->tokens().insert(make_token("g1", "f2", "u1", 1050, 5000));
    ASSERT_EQ(this->tokens().rotate("h1", "h2", 5000, 1100).outcome, RotateOutcome::rotated);
    ASSERT_EQ(this->tokens().rotate("h2", "h3", 5000, 1200).outcome, RotateOutcome::rotated);
    for (const char* hash : {"h1", "h2", "h3"}) {
        EXPECT_EQ(this->tokens().find(hash)->family_created_at, 1000) << hash;
    }
    EXPECT_EQ(this->tokens().find("h3")->issued_at, 1200);
    EXPECT_EQ(this->tokens().find("g1")->family_created_at, 1050);
}

// The family's grant (client, scopes, authentication time) is what a refresh re-issues, so every
// token of the family returns it, however often it rotated and on whichever node.
TYPED_TEST(RefreshTokenStoreContract, EveryTokenOfAFamilyCarriesItsGrant) {
    EngineStores other = this->stores_.open_again();
    auto first = make_token("h1", "f1", "u1", 1000, 5000);
    first.client_id = "app.example";
    first.scope = "openid email offline_access";
    first.auth_time = 940;
    this->tokens().insert(first);
    this->tokens().insert(make_token("g1", "f2", "u1", 1000, 5000));

    ASSERT_EQ(this->tokens().rotate("h1", "h2", 5000, 1100).outcome, RotateOutcome::rotated);
    ASSERT_EQ(other.refresh_tokens->rotate("h2", "h3", 5000, 1200).outcome, RotateOutcome::rotated);
    for (const char* hash : {"h1", "h2", "h3"}) {
        const auto record = this->tokens().find(hash);
        ASSERT_TRUE(record.has_value()) << hash;
        EXPECT_EQ(record->client_id, "app.example") << hash;
        EXPECT_EQ(record->scope, "openid email offline_access") << hash;
        EXPECT_EQ(record->auth_time, 940) << hash;
    }
    // A first-party family has none.
    const auto first_party = other.refresh_tokens->find("g1");
    ASSERT_TRUE(first_party.has_value());
    EXPECT_EQ(first_party->client_id, "");
    EXPECT_EQ(first_party->scope, "");
    EXPECT_EQ(first_party->auth_time, 0);
}

TYPED_TEST(RefreshTokenStoreContract, InsertIntoAnExistingFamilyThrowsAndWritesNothing) {
    this->tokens().insert(make_token("h1", "f1", "u1"));
    EXPECT_THROW(this->tokens().insert(make_token("h2", "f1", "u1")), StoreError);
    EXPECT_FALSE(this->tokens().find("h2").has_value());
}

TYPED_TEST(RefreshTokenStoreContract, RotatingALiveTokenSpendsItAndStoresTheNextInTheSameFamily) {
    this->tokens().insert(make_token("h1", "f1", "u1", 1000, 2000));
    const auto result = this->tokens().rotate("h1", "h2", 3500, 1500);
    EXPECT_EQ(result.outcome, RotateOutcome::rotated);
    EXPECT_EQ(result.user_id, "u1");
    EXPECT_EQ(result.family_id, "f1");

    EXPECT_TRUE(this->tokens().find("h1")->used);
    const auto next = this->tokens().find("h2");
    ASSERT_TRUE(next.has_value());
    EXPECT_EQ(next->family_id, "f1");
    EXPECT_EQ(next->user_id, "u1");
    EXPECT_EQ(next->issued_at, 1500);
    EXPECT_EQ(next->expires_at, 3500);
    EXPECT_FALSE(next->used);
    EXPECT_FALSE(next->revoked);

    // The chain goes on from the new token.
    EXPECT_EQ(this->tokens().rotate("h2", "h3", 4000, 1600).outcome, RotateOutcome::rotated);
}

TYPED_TEST(RefreshTokenStoreContract, RotatingAnUnknownTokenReportsNotFound) {
    const auto result = this->tokens().rotate("nope", "h2", 3000, 1500);
    EXPECT_EQ(result.outcome, RotateOutcome::not_found);
    EXPECT_TRUE(result.user_id.empty());
    EXPECT_TRUE(result.family_id.empty());
    EXPECT_FALSE(this->tokens().find("h2").has_value());
}

TYPED_TEST(RefreshTokenStoreContract, RotatingAnExpiredTokenReportsExpiredAndStoresNothing) {
    this->tokens().insert(make_token("h1", "f1", "u1", 1000, 2000));
    const auto at_expiry = this->tokens().rotate("h1", "h2", 4000, 2000);
    EXPECT_EQ(at_expiry.outcome, RotateOutcome::expired);
    EXPECT_EQ(at_expiry.user_id, "u1");
    EXPECT_EQ(at_expiry.family_id, "f1");
    EXPECT_EQ(this->tokens().rotate("h1", "h2", 4000, 2500).outcome, RotateOutcome::expired);
    EXPECT_FALSE(this->tokens().find("h2").has_value());
    EXPECT_FALSE(this->tokens().find("h1")->used);
    EXPECT_FALSE(this->tokens().find("h1")->revoked);
}

TYPED_TEST(RefreshTokenStoreContract, RotatingASpentTokenRevokesTheFamilyIncludingItsNewestToken) {
    this->tokens().insert(make_token("h1", "f1", "u1", 1000, 5000));
    ASSERT_EQ(this->tokens().rotate("h1", "h2", 5000, 1100).outcome, RotateOutcome::rotated);
    ASSERT_EQ(this->tokens().rotate("h2", "h3", 5000, 1200).outcome, RotateOutcome::rotated);

    const auto reuse = this->tokens().rotate("h1", "h4", 5000, 1300);
    EXPECT_EQ(reuse.outcome, RotateOutcome::reused);
    EXPECT_EQ(reuse.user_id, "u1");
    EXPECT_EQ(reuse.family_id, "f1");
    EXPECT_FALSE(this->tokens().find("h4").has_value());

    // The legitimate holder's newest token is dead too.
    EXPECT_TRUE(this->tokens().find("h3")->revoked);
    EXPECT_FALSE(this->tokens().find("h3")->used);
    EXPECT_EQ(this->tokens().rotate("h3", "h5", 5000, 1400).outcome, RotateOutcome::revoked);
    EXPECT_FALSE(this->tokens().find("h5").has_value());
    // Presenting the spent token again still reports the revoked family.
    EXPECT_EQ(this->tokens().rotate("h1", "h6", 5000, 1500).outcome, RotateOutcome::revoked);
}

TYPED_TEST(RefreshTokenStoreContract, RotatingASpentTokenAfterItExpiredStillRevokesTheFamily) {
    this->tokens().insert(make_token("h1", "f1", "u1", 1000, 2000));
    ASSERT_EQ(this->tokens().rotate("h1", "h2", 9000, 1100).outcome, RotateOutcome::rotated);
    EXPECT_EQ(this->tokens().rotate("h1", "h3", 9000, 2500).outcome, RotateOutcome::reused);
    EXPECT_TRUE(this->tokens().find("h2")->revoked);
}

TYPED_TEST(RefreshTokenStoreContract, RotatingATokenOfARevokedFamilyReportsRevoked) {
    this->tokens().insert(make_token("h1", "f1", "u1", 1000, 5000));
    ASSERT_TRUE(this->tokens().revoke_family("f1", 1100));
    const auto result = this->tokens().rotate("h1", "h2", 5000, 1200);
    EXPECT_EQ(result.outcome, RotateOutcome::revoked);
    EXPECT_EQ(result.user_id, "u1");
    EXPECT_EQ(result.family_id, "f1");
    EXPECT_FALSE(this->tokens().find("h1")->used);
    EXPECT_FALSE(this->tokens().find("h2").has_value());
}

TYPED_TEST(RefreshTokenStoreContract, AFailedRotationLeavesTheOldTokenLive) {
    this->tokens().insert(make_token("h1", "f1", "u1", 1000, 5000));
    this->tokens().insert(make_token("taken", "f2", "u1", 1000, 5000));
    // The next hash collides with an existing token: the whole rotation is rolled back.
    EXPECT_THROW(this->tokens().rotate("h1", "taken", 5000, 1100), StoreError);
    EXPECT_FALSE(this->tokens().find("h1")->used);
    EXPECT_EQ(this->tokens().find("taken")->family_id, "f2");
    EXPECT_EQ(this->tokens().rotate("h1", "h2", 5000, 1200).outcome, RotateOutcome::rotated);
}

TYPED_TEST(RefreshTokenStoreContract, RevokeFamilyRevokesEveryTokenOfItOnly) {
    this->tokens().insert(make_token("h1", "f1", "u1", 1000, 5000));
    ASSERT_EQ(this->tokens().rotate("h1", "h2", 5000, 1100).outcome, RotateOutcome::rotated);
    this->tokens().insert(make_token("g1", "f2", "u1", 1000, 5000));

    EXPECT_TRUE(this->tokens().revoke_family("f1", 1200));
    EXPECT_TRUE(this->tokens().find("h1")->revoked);
    EXPECT_TRUE(this->tokens().find("h2")->revoked);
    EXPECT_FALSE(this->tokens().find("g1")->revoked);
    EXPECT_TRUE(this->tokens().revoke_family("f1", 1300));  // still exists
    EXPECT_FALSE(this->tokens().revoke_family("no-such-family", 1300));
}

TYPED_TEST(RefreshTokenStoreContract, RevokeUserRevokesEveryLiveFamilyOfThatUserAndCountsThem) {
    this->tokens().insert(make_token("a1", "fa", "u1"));
    this->tokens().insert(make_token("b1", "fb", "u1"));
    this->tokens().insert(make_token("c1", "fc", "u1"));
    this->tokens().insert(make_token("o1", "fo", "u2"));
    ASSERT_TRUE(this->tokens().revoke_family("fc", 1100));

    EXPECT_EQ(this->tokens().revoke_user("u1", 1200), 2U);
    EXPECT_TRUE(this->tokens().find("a1")->revoked);
    EXPECT_TRUE(this->tokens().find("b1")->revoked);
    EXPECT_FALSE(this->tokens().find("o1")->revoked);
    EXPECT_EQ(this->tokens().rotate("a1", "a2", 5000, 1300).outcome, RotateOutcome::revoked);
    EXPECT_EQ(this->tokens().revoke_user("u1", 1400), 0U);
    EXPECT_EQ(this->tokens().revoke_user("nobody", 1400), 0U);
}

// Revoking a removed client ends the families issued to it, whoever the user, and nothing else:
// neither other clients' families nor the users' first-party ones.
TYPED_TEST(RefreshTokenStoreContract, RevokeClientRevokesEveryLiveFamilyOfThatClientAndCountsThem) {
    this->tokens().insert(make_client_token("a1", "fa", "u1", "app"));
    this->tokens().insert(make_client_token("b1", "fb", "u2", "app"));
    this->tokens().insert(make_client_token("c1", "fc", "u1", "app"));
    this->tokens().insert(make_client_token("o1", "fo", "u1", "other-app"));
    this->tokens().insert(make_token("p1", "fp", "u1", 1000, 5000));
    ASSERT_EQ(this->tokens().rotate("a1", "a2", 5000, 1050).outcome, RotateOutcome::rotated);
    ASSERT_TRUE(this->tokens().revoke_family("fc", 1100));

    EXPECT_EQ(this->tokens().revoke_client("app", 1200), 2U);
    EXPECT_TRUE(this->tokens().find("a1")->revoked);
    EXPECT_TRUE(this->tokens().find("a2")->revoked);
    EXPECT_TRUE(this->tokens().find("b1")->revoked);
    EXPECT_FALSE(this->tokens().find("o1")->revoked);
    EXPECT_FALSE(this->tokens().find("p1")->revoked);
    EXPECT_EQ(this->tokens().rotate("a2", "a3", 5000, 1300).outcome, RotateOutcome::revoked);
    EXPECT_EQ(this->tokens().rotate("o1", "o2", 5000, 1300).outcome, RotateOutcome::rotated);
    EXPECT_EQ(this->tokens().revoke_client("app", 1400), 0U);
    EXPECT_EQ(this->tokens().revoke_client("nobody", 1400), 0U);
}

// The empty client id stands for the first-party API, which is no client that can be removed.
TYPED_TEST(RefreshTokenStoreContract, RevokeClientWithTheEmptyIdRevokesNoFirstPartyFamily) {
    this->tokens().insert(make_token("p1", "fp", "u1", 1000, 5000));
    EXPECT_EQ(this->tokens().revoke_client("", 1200), 0U);
    EXPECT_FALSE(this->tokens().find("p1")->revoked);
}

TYPED_TEST(RefreshTokenStoreContract, PurgeExpiredDeletesOnlyTokensExpiredBeforeNow) {
    this->tokens().insert(make_token("old1", "f1", "u1", 100, 500));
    this->tokens().insert(make_token("old2", "f2", "u1", 100, 999));
    this->tokens().insert(make_token("edge", "f3", "u1", 100, 1000));
    this->tokens().insert(make_token("live", "f4", "u1", 100, 5000));

    EXPECT_EQ(this->tokens().purge_expired(1000), 2U);
    EXPECT_FALSE(this->tokens().find("old1").has_value());
    EXPECT_FALSE(this->tokens().find("old2").has_value());
    EXPECT_TRUE(this->tokens().find("edge").has_value());
    EXPECT_TRUE(this->tokens().find("live").has_value());
    // Families left without tokens are gone as well.
    EXPECT_FALSE(this->tokens().revoke_family("f1", 1000));
    EXPECT_TRUE(this->tokens().revoke_family("f4", 1000));
    EXPECT_EQ(this->tokens().purge_expired(1000), 0U);
}

TYPED_TEST(RefreshTokenStoreContract, StateWrittenByOneNodeIsSeenByAnother) {
    EngineStores other = this->stores_.open_again();
    this->tokens().insert(make_token("h1", "f1", "u1", 1000, 5000));
    ASSERT_EQ(other.refresh_tokens->rotate("h1", "h2", 5000, 1100).outcome, RotateOutcome::rotated);
    EXPECT_TRUE(this->tokens().find("h1")->used);
    EXPECT_EQ(this->tokens().rotate("h1", "h3", 5000, 1200).outcome, RotateOutcome::reused);
    EXPECT_TRUE(other.refresh_tokens->find("h2")->revoked);
}

TYPED_TEST(RefreshTokenStoreContract, FiftyConcurrentRotationsOfOneTokenRotateExactlyOnce) {
    EngineStores other = this->stores_.open_again();
    this->tokens().insert(make_token("h0", "f1", "u1", 1000, 9000));

    std::atomic<int> rotated{0};
    std::atomic<int> reused{0};
    std::atomic<int> revoked{0};
    std::atomic<int> other_outcome{0};
    std::atomic<int> winner{-1};
    run_together(50, [&](int i) {
        RefreshTokenStore& store = i % 2 == 0 ? this->tokens() : *other.refresh_tokens;
        const auto result = store.rotate("h0", "next-" + std::to_string(i), 9000, 1100);
        switch (result.outcome) {
            case RotateOutcome::rotated:
                ++rotated;
                winner = i;
                break;
            case RotateOutcome::reused: ++reused; break;
            case RotateOutcome::revoked: ++revoked; break;
            default: ++other_outcome; break;
        }
        EXPECT_EQ(result.family_id, "f1");
        EXPECT_EQ(result.user_id, "u1");
    });

    EXPECT_EQ(rotated.load(), 1);
    // The first loser finds the token spent and revokes the family; the rest find it revoked.
    EXPECT_EQ(reused.load(), 1);
    EXPECT_EQ(revoked.load(), 48);
    EXPECT_EQ(other_outcome.load(), 0);
    ASSERT_GE(winner.load(), 0);
    const auto next = this->tokens().find("next-" + std::to_string(winner.load()));
    ASSERT_TRUE(next.has_value());
    EXPECT_TRUE(next->revoked);
    for (int i = 0; i < 50; ++i) {
        if (i != winner.load()) {
            EXPECT_FALSE(this->tokens().find("next-" + std::to_string(i)).has_value()) << i;
        }
    }
}

}  // namespace
}  // namespace signet::server::contract
