// The KeyStore contract (server/store/key_store.hpp): signing keys, their rotation and retirement,
// and deployment settings, including two nodes starting together on one database.
#include <mutex>
#include <set>
#include <stdexcept>

#include "server/store/contract/engines.hpp"
#include "server/store/store_error.hpp"

namespace signet::server::contract {
namespace {

template <class Engine>
class KeyStoreContract : public EngineTest<Engine> {
  protected:
    KeyStore& keys() { return *this->stores_.keys; }
};
TYPED_TEST_SUITE(KeyStoreContract, KeyEngines, EngineName);

TYPED_TEST(KeyStoreContract, EnsureCurrentCreatesTheFirstKeyOnceAndThenReturnsIt) {
    int made = 0;
    const auto make = [&] {
        ++made;
        return make_key("k" + std::to_string(made), 1000);
    };
    const auto first = this->keys().ensure_current(1000, make);
    EXPECT_EQ(first.kid, "k1");
    EXPECT_FALSE(first.retired_at.has_value());
    const auto again = this->keys().ensure_current(1000, make);
    EXPECT_EQ(again.kid, "k1");
    EXPECT_EQ(again.private_jwk, first.private_jwk);
    EXPECT_EQ(made, 1);
    EXPECT_EQ(this->keys().list().size(), 1U);
}

TYPED_TEST(KeyStoreContract, EnsureCurrentPassesOnAFailureToMakeAKey) {
    EXPECT_THROW(this->keys().ensure_current(
                     1000, []() -> StoredKey { throw std::runtime_error("no entropy"); }),
                 std::runtime_error);
    EXPECT_TRUE(this->keys().list().empty());
}

TYPED_TEST(KeyStoreContract, AddKeyRetiresThePreviousKeyAtTheNewKeysActivation) {
    this->keys().add_key(make_key("k1", 1000));
    this->keys().add_key(make_key("k2", 2000));
    this->keys().add_key(make_key("k3", 3000));

    const auto keys = this->keys().list();
    ASSERT_EQ(keys.size(), 3U);
    EXPECT_EQ(keys[0].kid, "k1");
    EXPECT_EQ(keys[0].retired_at, std::optional<std::int64_t>(2000));
    EXPECT_EQ(keys[1].kid, "k2");
    EXPECT_EQ(keys[1].retired_at, std::optional<std::int64_t>(3000));
    EXPECT_EQ(keys[2].kid, "k3");
    EXPECT_FALSE(keys[2].retired_at.has_value());
    EXPECT_EQ(keys[2].private_jwk, make_key("k3", 3000).private_jwk);

    bool made = false;
    const auto current = this->keys().ensure_current(4000, [&] {
        made = true;
        return make_key("k4", 4000);
    });
    EXPECT_EQ(current.kid, "k3");
    EXPECT_FALSE(made);
}

TYPED_TEST(KeyStoreContract, AddKeyWithATakenKidChangesNothing) {
    this->keys().add_key(make_key("k1", 1000));
    EXPECT_THROW(this->keys().add_key(make_key("k1", 2000)), StoreError);
    const auto keys = this->keys().list();
    ASSERT_EQ(keys.size(), 1U);
    EXPECT_FALSE(keys[0].retired_at.has_value());  // the retirement was rolled back
}

TYPED_TEST(KeyStoreContract, RemoveRetiredBeforeDeletesOnlyKeysRetiredBeforeTheCutoff) {
    this->keys().add_key(make_key("k1", 1000));
    this->keys().add_key(make_key("k2", 2000));  // k1 retired at 2000
    this->keys().add_key(make_key("k3", 3000));  // k2 retired at 3000

    EXPECT_EQ(this->keys().remove_retired_before(2000), 0U);
    EXPECT_EQ(this->keys().remove_retired_before(2500), 1U);
    auto keys = this->keys().list();
    ASSERT_EQ(keys.size(), 2U);
    EXPECT_EQ(keys[0].kid, "k2");
    // The current key is never removed, however old.
    EXPECT_EQ(this->keys().remove_retired_before(1'000'000), 1U);
    keys = this->keys().list();
    ASSERT_EQ(keys.size(), 1U);
    EXPECT_EQ(keys[0].kid, "k3");
}

TYPED_TEST(KeyStoreContract, AnAnnouncedKeySignsOnlyFromItsActivation) {
    this->keys().add_key(make_key("k1", 1000));
    this->keys().add_key(make_key("k2", 2000, 2090));  // announced at 2000, signs from 2090
    const auto never = [&]() -> StoredKey { throw std::runtime_error("a key signs already"); };
    EXPECT_EQ(this->keys().ensure_current(2050, never).kid, "k1");
    EXPECT_EQ(this->keys().ensure_current(2090, never).kid, "k2");
    const auto keys = this->keys().list();
    ASSERT_EQ(keys.size(), 2U);
    EXPECT_EQ(keys[0].retired_at, std::optional<std::int64_t>(2090));
    EXPECT_EQ(keys[1].activates_at, 2090);
    EXPECT_FALSE(keys[1].retired_at.has_value());
    EXPECT_TRUE(signs_at(keys[0], 2089));
    EXPECT_FALSE(signs_at(keys[1], 2089));
    EXPECT_TRUE(trusted_at(keys[1], 2000, 0));  // published from its creation
}

TYPED_TEST(KeyStoreContract, AKeyAddedAtOnceSupersedesOneStillAnnounced) {
    this->keys().add_key(make_key("k1", 1000));
    this->keys().add_key(make_key("k2", 2000, 2090));
    this->keys().add_key(make_key("k3", 2010));  // --now: signs at 2010
    const auto keys = this->keys().list();
    ASSERT_EQ(keys.size(), 3U);
    EXPECT_EQ(keys[0].retired_at, std::optional<std::int64_t>(2010));
    EXPECT_EQ(keys[1].retired_at, std::optional<std::int64_t>(2010));  // never signs
    EXPECT_FALSE(signs_at(keys[1], 3000));
    const auto never = [&]() -> StoredKey { throw std::runtime_error("a key signs already"); };
    EXPECT_EQ(this->keys().ensure_current(3000, never).kid, "k3");
}

TYPED_TEST(KeyStoreContract, ARevokedKeyNeverSignsAndIsRemovedAfterTheCutoff) {
    this->keys().add_key(make_key("k1", 1000));
    this->keys().add_key(make_key("k2", 2000));
    EXPECT_TRUE(this->keys().revoke("k1", 2100));
    EXPECT_FALSE(this->keys().revoke("k1", 2200));  // already revoked
    EXPECT_FALSE(this->keys().revoke("nope", 2200));
    auto keys = this->keys().list();
    ASSERT_EQ(keys.size(), 2U);
    EXPECT_EQ(keys[0].revoked_at, std::optional<std::int64_t>(2100));
    EXPECT_FALSE(trusted_at(keys[0], 2100, 1000000));
    // With the signing key revoked, nothing signs until a new key is made.
    EXPECT_TRUE(this->keys().revoke("k2", 2300));
    bool made = false;
    const StoredKey current = this->keys().ensure_current(2400, [&] {
        made = true;
        return make_key("k3", 2400);
    });
    EXPECT_TRUE(made);
    EXPECT_EQ(current.kid, "k3");
    // Revoked keys go with the retired ones once past the cutoff: k2 was revoked at 2300.
    EXPECT_EQ(this->keys().remove_retired_before(2200), 1U);  // k1
    EXPECT_EQ(this->keys().list().size(), 2U);
    EXPECT_EQ(this->keys().remove_retired_before(2350), 1U);  // k2
    keys = this->keys().list();
    ASSERT_EQ(keys.size(), 1U);
    EXPECT_EQ(keys[0].kid, "k3");
}

TYPED_TEST(KeyStoreContract, GetOrSetSettingKeepsTheFirstValue) {
    EXPECT_EQ(this->keys().get_or_set_setting("issuer", "https://a.example"), "https://a.example");
    EXPECT_EQ(this->keys().get_or_set_setting("issuer", "https://b.example"), "https://a.example");
    EXPECT_EQ(this->keys().get_or_set_setting("other", "x"), "x");
}

TYPED_TEST(KeyStoreContract, SetSettingOverwritesAndEmptyValuesAreStoredAsEmpty) {
    this->keys().set_setting("issuer", "https://a.example");
    this->keys().set_setting("issuer", "https://b.example");
    EXPECT_EQ(this->keys().get_or_set_setting("issuer", "ignored"), "https://b.example");
    // A default-constructed view has no data pointer; it must still be an empty string.
    this->keys().set_setting("empty", std::string_view{});
    EXPECT_EQ(this->keys().get_or_set_setting("empty", "ignored"), "");
}

TYPED_TEST(KeyStoreContract, TwoNodesEnsuringACurrentKeyTogetherAgreeOnOne) {
    EngineStores other = this->stores_.open_again();
    std::mutex mutex;
    std::set<std::string> kids;
    run_together(8, [&](int i) {
        KeyStore& store = i % 2 == 0 ? this->keys() : *other.keys;
        const StoredKey key = store.ensure_current(1000, [&] {
            // Slow enough that the others are making their own candidates meanwhile.
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            return make_key("k" + std::to_string(i), 1000);
        });
        std::lock_guard lock(mutex);
        kids.insert(key.kid);
    });
    ASSERT_EQ(kids.size(), 1U);
    const auto keys = this->keys().list();
    ASSERT_EQ(keys.size(), 1U);
    EXPECT_EQ(keys[0].kid, *kids.begin());
}

TYPED_TEST(KeyStoreContract, TwoNodesAddingKeysTogetherLeaveExactlyOneCurrent) {
    EngineStores other = this->stores_.open_again();
    this->keys().add_key(make_key("k0", 1000));
    run_together(8, [&](int i) {
        KeyStore& store = i % 2 == 0 ? this->keys() : *other.keys;
        store.add_key(make_key("k" + std::to_string(i + 1), 2000 + i));
    });
    const auto keys = this->keys().list();
    ASSERT_EQ(keys.size(), 9U);
    int current = 0;
    for (const StoredKey& key : keys)
        current += signs_at(key, 3000) ? 1 : 0;
    EXPECT_EQ(current, 1);
}

TYPED_TEST(KeyStoreContract, TwoNodesSettingOneSettingTogetherAgreeOnOneValue) {
    EngineStores other = this->stores_.open_again();
    std::mutex mutex;
    std::set<std::string> values;
    run_together(10, [&](int i) {
        KeyStore& store = i % 2 == 0 ? this->keys() : *other.keys;
        const std::string value =
            store.get_or_set_setting("issuer", "https://" + std::to_string(i));
        std::lock_guard lock(mutex);
        values.insert(value);
    });
    EXPECT_EQ(values.size(), 1U);
}

}  // namespace
}  // namespace signet::server::contract
