// Argon2id hashing: verify, rehash detection, dummy verification and bounds.
#include "server/auth/password_hasher.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

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

TEST(PasswordHasher, RefusesCostsOutsideArgon2Bounds) {
    EXPECT_THROW(PasswordHasher(0, 2), std::invalid_argument);
    EXPECT_THROW(PasswordHasher(kMemoryKib, 0), std::invalid_argument);
}

}  // namespace
}  // namespace signet::server
