// Signing keys over a real SQLite file: first key, rotation, grace, HMAC secrets.
#include "server/auth/key_manager.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <thread>

#include "server/config.hpp"
#include "server/store/sqlite/sqlite_stores.hpp"
#include "server/store/temp_dir.hpp"

namespace signet::server {
namespace {

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

KeyManager::Options options(Algorithm alg) {
    KeyManager::Options o;
    o.algorithm = alg;
    o.retire_grace = std::chrono::seconds(900);
    o.verifier_options.issuers = {"https://issuer.example"};
    o.verifier_options.audiences = {"api"};
    o.verifier_options.type = "at+jwt";
    return o;
}

std::string sign(const KeyManager& keys) {
    Claims claims;
    claims.set_issuer("https://issuer.example").set_audience("api").set("exp", unix_now() + 60);
    return keys.snapshot()->signer.sign(claims).value();
}

std::size_t jwks_size(const KeyManager& keys) {
    return boost::json::parse(keys.snapshot()->jwks_json).at("keys").as_array().size();
}

TEST(KeyManager, CreatesOneKeyOnFirstStartAndKeepsIt) {
    test::TempDir dir;
    const SqliteStores stores = open_sqlite_stores(dir / "signet.db");
    std::string kid;
    {
        KeyManager keys(stores.keys, options(Algorithm::ES256));
        kid = keys.snapshot()->current_kid;
        EXPECT_FALSE(kid.empty());
        EXPECT_EQ(keys.snapshot()->signer.algorithm(), Algorithm::ES256);
        EXPECT_TRUE(keys.snapshot()->verifier.verify(sign(keys)).ok());
        EXPECT_EQ(jwks_size(keys), 1u);
    }
    KeyManager again(stores.keys, options(Algorithm::ES256));
    EXPECT_EQ(again.snapshot()->current_kid, kid);
}

TEST(KeyManager, RotationKeepsOldTokensVerifying) {
    test::TempDir dir;
    const SqliteStores stores = open_sqlite_stores(dir / "signet.db");
    KeyManager keys(stores.keys, options(Algorithm::ES256));
    const std::string old_kid = keys.snapshot()->current_kid;
    const std::string old_token = sign(keys);

    const std::string new_kid =
        KeyManager::rotate(*stores.keys, std::nullopt, std::nullopt, unix_now(), unix_now()).kid;
    EXPECT_NE(new_kid, old_kid);
    keys.reload();
    EXPECT_EQ(keys.snapshot()->current_kid, new_kid);
    EXPECT_EQ(keys.snapshot()->signer.algorithm(), Algorithm::ES256);  // taken from the old key
    EXPECT_TRUE(keys.snapshot()->verifier.verify(old_token).ok());
    EXPECT_TRUE(keys.snapshot()->verifier.verify(sign(keys)).ok());
    EXPECT_EQ(jwks_size(keys), 2u);
}

TEST(KeyManager, DropsRetiredKeysAfterTheirGrace) {
    test::TempDir dir;
    const SqliteStores stores = open_sqlite_stores(dir / "signet.db");
    KeyManager::Options o = options(Algorithm::EdDSA);
    o.retire_grace = std::chrono::seconds(0);
    KeyManager keys(stores.keys, o);
    const std::string old_token = sign(keys);
    // A key retired two seconds ago with no grace is past it.
    StoredKey next = KeyManager::generate(Algorithm::EdDSA, std::nullopt, unix_now() - 2);
    stores.keys->add_key(next);
    keys.reload();
    EXPECT_EQ(jwks_size(keys), 1u);
    EXPECT_EQ(keys.snapshot()->verifier.verify(old_token).code(), Errc::key_not_found);
}

TEST(KeyManager, HmacDeploymentsPublishNoKeys) {
    test::TempDir dir;
    const SqliteStores stores = open_sqlite_stores(dir / "signet.db");
    KeyManager::Options o = options(Algorithm::HS256);
    o.hmac_secret = std::string(32, 's');
    KeyManager keys(stores.keys, o);
    EXPECT_EQ(jwks_size(keys), 0u);
    EXPECT_TRUE(keys.snapshot()->verifier.verify(sign(keys)).ok());
    // The secret's own hash is not the key id.
    EXPECT_EQ(keys.snapshot()->current_kid.rfind("hs-", 0), 0u);
}

TEST(KeyManager, RefusesAWeakHmacSecret) {
    test::TempDir dir;
    const SqliteStores stores = open_sqlite_stores(dir / "signet.db");
    KeyManager::Options o = options(Algorithm::HS256);
    o.hmac_secret = std::string(31, 's');  // RFC 7518 §3.2: at least the hash size
    EXPECT_THROW(KeyManager(stores.keys, o), ConfigError);
    EXPECT_TRUE(stores.keys->list().empty());
}

TEST(KeyManager, AChangedAlgorithmRotates) {
    test::TempDir dir;
    const SqliteStores stores = open_sqlite_stores(dir / "signet.db");
    std::string old_token;
    {
        KeyManager keys(stores.keys, options(Algorithm::ES256));
        old_token = sign(keys);
    }
    KeyManager keys(stores.keys, options(Algorithm::PS256));
    EXPECT_EQ(keys.snapshot()->signer.algorithm(), Algorithm::PS256);
    EXPECT_TRUE(keys.snapshot()->verifier.verify(old_token).ok());
}

}  // namespace
}  // namespace signet::server

namespace signet::server {
namespace {

// Issue: a rotated key signed before resource servers caching the JWKS could know it. Now it is
// published first and signs from its activation.
TEST(KeyManager, AnAnnouncedKeyIsPublishedBeforeItSigns) {
    test::TempDir dir;
    const SqliteStores stores = open_sqlite_stores(dir / "signet.db");
    KeyManager keys(stores.keys, options(Algorithm::ES256));
    const std::string old_kid = keys.snapshot()->current_kid;
    const StoredKey next =
        KeyManager::rotate(*stores.keys, std::nullopt, std::nullopt, unix_now(), unix_now() + 2);
    keys.reload();
    EXPECT_EQ(keys.snapshot()->current_kid, old_kid);  // still signing
    EXPECT_EQ(jwks_size(keys), 2u);                    // but the next one is published
    EXPECT_NE(keys.snapshot()->jwks_json.find(next.kid), std::string::npos);
    const std::string old_token = sign(keys);
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    keys.reload();
    EXPECT_EQ(keys.snapshot()->current_kid, next.kid);
    EXPECT_TRUE(keys.snapshot()->verifier.verify(old_token).ok());
    EXPECT_TRUE(keys.snapshot()->verifier.verify(sign(keys)).ok());
}

// Issue: a leaked key kept verifying for a whole retire grace. A revoked key leaves the JWKS and
// the verifier at the next reload.
TEST(KeyManager, ARevokedKeyStopsVerifyingAtTheNextReload) {
    test::TempDir dir;
    const SqliteStores stores = open_sqlite_stores(dir / "signet.db");
    KeyManager keys(stores.keys, options(Algorithm::ES256));
    const std::string leaked = keys.snapshot()->current_kid;
    const std::string forged = sign(keys);  // what a holder of the leaked key could make
    KeyManager::rotate(*stores.keys, std::nullopt, std::nullopt, unix_now(), unix_now());
    ASSERT_TRUE(stores.keys->revoke(leaked, unix_now()));
    keys.reload();
    EXPECT_NE(keys.snapshot()->current_kid, leaked);
    EXPECT_EQ(keys.snapshot()->jwks_json.find(leaked), std::string::npos);
    EXPECT_EQ(keys.snapshot()->verifier.verify(forged).code(), Errc::key_not_found);
    EXPECT_TRUE(keys.snapshot()->verifier.verify(sign(keys)).ok());
}

// Issue: after replacing a leaked HMAC secret, tokens made with the old one kept verifying.
TEST(KeyManager, AReplacedHmacSecretIsRevoked) {
    test::TempDir dir;
    const SqliteStores stores = open_sqlite_stores(dir / "signet.db");
    KeyManager::Options o = options(Algorithm::HS256);
    o.hmac_secret = std::string(32, 'a');
    std::string forged;
    {
        KeyManager leaked(stores.keys, o);
        forged = sign(leaked);
    }
    o.hmac_secret = std::string(32, 'b');
    KeyManager replaced(stores.keys, o);
    EXPECT_EQ(replaced.snapshot()->verifier.verify(forged).code(), Errc::key_not_found);
    EXPECT_TRUE(replaced.snapshot()->verifier.verify(sign(replaced)).ok());
    std::size_t revoked = 0;
    for (const StoredKey& key : stores.keys->list())
        revoked += key.revoked_at ? 1 : 0;
    EXPECT_EQ(revoked, 1u);
}

TEST(KeyManager, AChangedHmacSecretRotates) {
    test::TempDir dir;
    const SqliteStores stores = open_sqlite_stores(dir / "signet.db");
    KeyManager::Options o = options(Algorithm::HS256);
    o.hmac_secret = std::string(32, 'a');
    std::string old_kid;
    {
        KeyManager keys(stores.keys, o);
        old_kid = keys.snapshot()->current_kid;
    }
    {
        KeyManager same(stores.keys, o);
        EXPECT_EQ(same.snapshot()->current_kid, old_kid);
    }
    o.hmac_secret = std::string(32, 'b');
    KeyManager changed(stores.keys, o);
    EXPECT_NE(changed.snapshot()->current_kid, old_kid);
    // Tokens signed with the new secret verify with it alone.
    Result<Jwk> key = Jwk::from_secret(std::string(32, 'b'), Algorithm::HS256);
    ASSERT_TRUE(key.ok());
    VerifierOptions verify;
    verify.keys = KeySet::from_keys({*key}).value();
    EXPECT_TRUE(Verifier::create(std::move(verify)).value().verify(sign(changed)).ok());
}

TEST(KeyManager, ReloadWithoutChangesKeepsTheSnapshot) {
    test::TempDir dir;
    const SqliteStores stores = open_sqlite_stores(dir / "signet.db");
    KeyManager keys(stores.keys, options(Algorithm::ES256));
    const std::uint64_t generation = keys.snapshot()->generation;
    keys.reload();
    keys.reload();
    EXPECT_EQ(keys.snapshot()->generation, generation);
    KeyManager::rotate(*stores.keys, std::nullopt, std::nullopt, unix_now(), unix_now());
    keys.reload();
    EXPECT_GT(keys.snapshot()->generation, generation);
}

}  // namespace
}  // namespace signet::server
