// Argon2id hashing: verify, rehash detection, dummy verification and bounds; a stored hash of a
// fixed libsodium version keeps verifying, and tampered encodings never do.
#include "server/auth/password_hasher.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <array>
#include <stdexcept>
#include <string>

namespace signet::server {
namespace {

// A cheap cost keeps the tests fast; the cost itself is libsodium's business.
constexpr std::uint64_t kMemoryKib = 8192;

TEST(PasswordHasher, VerifiesTheRightPasswordOnly) {
    const PasswordHasher hasher(kMemoryKib, 1);
    const std::string hash = hasher.hash("correct horse");
    EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u);
    EXPECT_TRUE(hasher.verify(hash, "correct horse"));
    EXPECT_FALSE(hasher.verify(hash, "correct horsf"));
    EXPECT_FALSE(hasher.verify(hash, ""));
    EXPECT_NE(hasher.hash("correct horse"), hash);  // salted
}

TEST(PasswordHasher, RejectsMalformedOrOversizedHashes) {
    const PasswordHasher hasher(kMemoryKib, 1);
    EXPECT_FALSE(hasher.verify("", "password"));
    EXPECT_FALSE(hasher.verify("$argon2id$garbage", "password"));
    EXPECT_FALSE(hasher.verify(std::string(1000, 'a'), "password"));
}

TEST(PasswordHasher, DetectsHashesMadeWithAnotherCost) {
    const PasswordHasher cheap(kMemoryKib, 1);
    const PasswordHasher dearer(kMemoryKib, 2);
    const std::string hash = cheap.hash("password1");
    EXPECT_FALSE(cheap.needs_rehash(hash));
    EXPECT_TRUE(dearer.needs_rehash(hash));
    // A hash verifies whatever the current cost: it carries its own.
    EXPECT_TRUE(dearer.verify(hash, "password1"));
    EXPECT_FALSE(dearer.verify(hash, "password2"));
    // Made at the higher cost, checked where the cost is lower.
    const std::string dear_hash = dearer.hash("password1");
    EXPECT_TRUE(cheap.needs_rehash(dear_hash));
    EXPECT_TRUE(cheap.verify(dear_hash, "password1"));
    EXPECT_FALSE(cheap.verify(dear_hash, "password2"));
}

TEST(PasswordHasher, DummyVerificationCostsAHash) {
    const PasswordHasher hasher(kMemoryKib, 1);
    EXPECT_NO_THROW(hasher.verify_dummy("anything"));
}

// Made by libsodium 1.0.18's crypto_pwhash_argon2id_str (m = 8 MiB, t = 1): hashes already
// stored must keep verifying whatever library or version computes them.
constexpr std::string_view kLibsodiumHash =
    "$argon2id$v=19$m=8192,t=1,p=1$wsisezQAd+uUyiPDAutXwA$mDZuKViuZp22HBT1e/"
    "oMMafBDOieJirkaH3bJDaNbF0";

TEST(PasswordHasher, VerifiesHashesMadeByLibsodium) {
    const PasswordHasher hasher(kMemoryKib, 1);
    EXPECT_TRUE(hasher.verify(kLibsodiumHash, "correct horse battery staple"));
    EXPECT_FALSE(hasher.verify(kLibsodiumHash, "correct horse battery stapler"));
    EXPECT_FALSE(hasher.needs_rehash(kLibsodiumHash));

    ASSERT_GE(sodium_init(), 0);
    std::array<char, crypto_pwhash_STRBYTES> fresh{};
    ASSERT_EQ(crypto_pwhash_argon2id_str(fresh.data(), "hunter2", 7, 2, kMemoryKib * 1024), 0);
    const PasswordHasher dearer(kMemoryKib, 2);
    EXPECT_TRUE(dearer.verify(fresh.data(), "hunter2"));
    EXPECT_FALSE(dearer.verify(fresh.data(), "hunter3"));
    EXPECT_FALSE(dearer.needs_rehash(fresh.data()));
    EXPECT_TRUE(hasher.needs_rehash(fresh.data()));
}

TEST(PasswordHasher, RefusesOtherAlgorithmsAndTamperedEncodings) {
    const PasswordHasher hasher(kMemoryKib, 1);
    const std::string good(kLibsodiumHash);
    const auto with = [&](std::string_view from, std::string_view to) {
        std::string changed = good;
        changed.replace(changed.find(from), from.size(), to);
        return changed;
    };
    const std::string password = "correct horse battery staple";
    EXPECT_FALSE(hasher.verify(with("argon2id", "argon2i"), password));
    EXPECT_FALSE(hasher.verify(with("v=19", "v=16"), password));
    EXPECT_FALSE(hasher.verify(with("m=8192", "m=8193"), password));  // another cost, another hash
    EXPECT_FALSE(hasher.verify(with("p=1", "p=0"), password));
    EXPECT_FALSE(hasher.verify(with("t=1", "t=0"), password));
    EXPECT_FALSE(hasher.verify(with("m=8192", "m=99999999999"), password));
    EXPECT_FALSE(hasher.verify(with("wsisezQAd", "wsisezQA!"), password));  // not base64
    EXPECT_FALSE(hasher.verify(with("$mDZu", "$"), password));              // short hash
    EXPECT_FALSE(hasher.verify(good + "=", password));                      // padding
    EXPECT_TRUE(hasher.needs_rehash(with("v=19", "v=16")));
    EXPECT_TRUE(hasher.needs_rehash("$argon2id$garbage"));
}

TEST(PasswordHasher, RefusesCostsOutsideArgon2Bounds) {
    EXPECT_THROW(PasswordHasher(0, 2), std::invalid_argument);
    EXPECT_THROW(PasswordHasher(kMemoryKib, 0), std::invalid_argument);
}

}  // namespace
}  // namespace signet::server
