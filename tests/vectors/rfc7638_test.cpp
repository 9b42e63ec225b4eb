// RFC 7638 §3.1 JWK Thumbprint example: the SHA-256 thumbprint of the RSA key equals the published
// value, and it depends only on the required members (RFC 7638 §3.2), not on alg, kid or d.
#include <gtest/gtest.h>

#include <string>

#include "vectors/vector_support.hpp"

namespace signet::vectors {
namespace {

TEST(Rfc7638, Section31ThumbprintMatchesThePublishedValue) {
    auto key = Jwk::parse(read_vector_file("rfc-examples/rfc7638_3.1.jwk"));
    SIGNET_ASSERT_OK(key);
    const std::string expected = read_text_file("rfc-examples/rfc7638_3.1.thp");
    EXPECT_EQ(expected, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");  // the file is intact
    EXPECT_EQ(key->thumbprint(), expected);
}

TEST(Rfc7638, ThumbprintIgnoresOptionalAndPrivateMembers) {
    // RFC 7517 A.1 and A.2 hold the same RSA key (with "alg" and "kid"; A.2 also private members).
    const std::string expected = read_text_file("rfc-examples/rfc7638_3.1.thp");
    for (const char* file :
         {"rfc-examples/rfc7517_A.1.jwkset", "rfc-examples/rfc7517_A.2.jwkset"}) {
        auto set = KeySet::parse(read_vector_file(file));
        SIGNET_ASSERT_OK(set);
        const Jwk* rsa = set->find("2011-04-29");
        ASSERT_NE(rsa, nullptr) << file;
        EXPECT_EQ(rsa->thumbprint(), expected) << file;
        auto public_key = rsa->public_key();
        SIGNET_ASSERT_OK(public_key);
        EXPECT_EQ(public_key->thumbprint(), expected) << file;
    }
}

}  // namespace
}  // namespace signet::vectors
