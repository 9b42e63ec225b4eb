// The UserStore contract (server/store/user_store.hpp), run on every engine that implements it.
#include <atomic>

#include "server/store/contract/engines.hpp"
#include "server/store/store_error.hpp"

namespace signet::server::contract {
namespace {

template <class Engine>
class UserStoreContract : public EngineTest<Engine> {
  protected:
    UserStore& users() { return *this->stores_.users; }
};
TYPED_TEST_SUITE(UserStoreContract, UserEngines, EngineName);

TYPED_TEST(UserStoreContract, CreatedUserIsFoundByEmailAndById) {
    auto user = make_user("u1", "a@example.com", 1234);
    user.disabled = true;
    ASSERT_TRUE(this->users().create(user));

    const auto by_email = this->users().find_by_email("a@example.com");
    ASSERT_TRUE(by_email.has_value());
    EXPECT_EQ(by_email->id, "u1");
    EXPECT_EQ(by_email->email, "a@example.com");
    EXPECT_EQ(by_email->password_hash, user.password_hash);
    EXPECT_TRUE(by_email->disabled);
    EXPECT_EQ(by_email->created_at, 1234);

    const auto by_id = this->users().find_by_id("u1");
    ASSERT_TRUE(by_id.has_value());
    EXPECT_EQ(by_id->email, "a@example.com");

    EXPECT_FALSE(this->users().find_by_email("b@example.com").has_value());
    EXPECT_FALSE(this->users().find_by_id("u2").has_value());
}

TYPED_TEST(UserStoreContract, CreateReturnsFalseForATakenEmailAndKeepsTheFirstUser) {
    ASSERT_TRUE(this->users().create(make_user("u1", "a@example.com")));
    auto second = make_user("u2", "a@example.com");
    second.password_hash = "other";
    EXPECT_FALSE(this->users().create(second));

    EXPECT_FALSE(this->users().find_by_id("u2").has_value());
    EXPECT_EQ(this->users().find_by_email("a@example.com")->id, "u1");
    EXPECT_EQ(this->users().list().size(), 1U);
}

TYPED_TEST(UserStoreContract, CreateThrowsWhenTheIdIsTaken) {
    ASSERT_TRUE(this->users().create(make_user("u1", "a@example.com")));
    EXPECT_THROW(this->users().create(make_user("u1", "b@example.com")), StoreError);
    EXPECT_FALSE(this->users().find_by_email("b@example.com").has_value());
}

TYPED_TEST(UserStoreContract, CreatedUserKeepsItsPasswordGeneration) {
    auto user = make_user("u1", "a@example.com");
    user.password_generation = 7;
    ASSERT_TRUE(this->users().create(user));
    EXPECT_EQ(this->users().find_by_id("u1")->password_generation, 7);
    ASSERT_TRUE(this->users().create(make_user("u2", "b@example.com")));
    EXPECT_EQ(this->users().find_by_email("b@example.com")->password_generation, 0);
}

TYPED_TEST(UserStoreContract, ReplacePasswordSetsTheHashAndAdvancesTheGenerationOfThatUserOnly) {
    ASSERT_TRUE(this->users().create(make_user("u1", "a@example.com")));
    ASSERT_TRUE(this->users().create(make_user("u2", "b@example.com")));
    EXPECT_TRUE(this->users().replace_password("u1", "new-hash"));
    const auto changed = this->users().find_by_id("u1");
    EXPECT_EQ(changed->password_hash, "new-hash");
    EXPECT_EQ(changed->password_generation, 1);
    EXPECT_TRUE(this->users().replace_password("u1", "newer-hash"));
    EXPECT_EQ(this->users().find_by_id("u1")->password_generation, 2);

    const auto other = this->users().find_by_id("u2");
    EXPECT_NE(other->password_hash, "new-hash");
    EXPECT_EQ(other->password_generation, 0);
    EXPECT_FALSE(this->users().replace_password("nobody", "new-hash"));
}

TYPED_TEST(UserStoreContract, UpgradePasswordHashKeepsTheGenerationAndNeverUndoesAChange) {
    ASSERT_TRUE(this->users().create(make_user("u1", "a@example.com")));
    EXPECT_TRUE(this->users().upgrade_password_hash("u1", "dearer-hash", 0));
    EXPECT_EQ(this->users().find_by_id("u1")->password_hash, "dearer-hash");
    EXPECT_EQ(this->users().find_by_id("u1")->password_generation, 0);

    // A login that read generation 0 upgrades after the password changed: the new one stays.
    ASSERT_TRUE(this->users().replace_password("u1", "new-password-hash"));
    EXPECT_FALSE(this->users().upgrade_password_hash("u1", "old-password-dearer-hash", 0));
    const auto user = this->users().find_by_id("u1");
    EXPECT_EQ(user->password_hash, "new-password-hash");
    EXPECT_EQ(user->password_generation, 1);
    EXPECT_TRUE(this->users().upgrade_password_hash("u1", "new-password-dearer-hash", 1));
    EXPECT_EQ(this->users().find_by_id("u1")->password_hash, "new-password-dearer-hash");
    EXPECT_FALSE(this->users().upgrade_password_hash("nobody", "hash", 0));
}

TYPED_TEST(UserStoreContract, SetDisabledTogglesTheFlagByEmail) {
    ASSERT_TRUE(this->users().create(make_user("u1", "a@example.com")));
    EXPECT_TRUE(this->users().set_disabled("a@example.com", true));
    EXPECT_TRUE(this->users().find_by_id("u1")->disabled);
    EXPECT_TRUE(this->users().set_disabled("a@example.com", true));  // already disabled
    EXPECT_TRUE(this->users().set_disabled("a@example.com", false));
    EXPECT_FALSE(this->users().find_by_id("u1")->disabled);
    EXPECT_FALSE(this->users().set_disabled("nobody@example.com", true));
}

TYPED_TEST(UserStoreContract, ListReturnsEveryUserOldestFirst) {
    EXPECT_TRUE(this->users().list().empty());
    ASSERT_TRUE(this->users().create(make_user("u3", "c@example.com", 300)));
    ASSERT_TRUE(this->users().create(make_user("u1", "a@example.com", 100)));
    ASSERT_TRUE(this->users().create(make_user("u2", "b@example.com", 200)));
    ASSERT_TRUE(this->users().create(make_user("u0", "d@example.com", 200)));
    const auto users = this->users().list();
    ASSERT_EQ(users.size(), 4U);
    EXPECT_EQ(users[0].id, "u1");
    // Equal creation times keep the order of creation.
    EXPECT_EQ(users[1].id, "u2");
    EXPECT_EQ(users[2].id, "u0");
    EXPECT_EQ(users[3].id, "u3");
}

TYPED_TEST(UserStoreContract, TextIsStoredByteForByte) {
    auto user = make_user("u-\xC3\xA9", "\xC3\xA9l\xC3\xA8ve@example.com");
    user.password_hash = "quote' backslash\\ percent% dollar$1";
    ASSERT_TRUE(this->users().create(user));
    const auto found = this->users().find_by_email("\xC3\xA9l\xC3\xA8ve@example.com");
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->id, user.id);
    EXPECT_EQ(found->password_hash, user.password_hash);
}

TYPED_TEST(UserStoreContract, RegistrationsOfOneEmailFromTwoNodesHaveOneWinner) {
    EngineStores other = this->stores_.open_again();
    std::atomic<int> created{0};
    run_together(20, [&](int i) {
        UserStore& store = i % 2 == 0 ? this->users() : *other.users;
        if (store.create(make_user("u" + std::to_string(i), "same@example.com"))) ++created;
    });
    EXPECT_EQ(created.load(), 1);
    EXPECT_EQ(this->users().list().size(), 1U);
}

}  // namespace
}  // namespace signet::server::contract
