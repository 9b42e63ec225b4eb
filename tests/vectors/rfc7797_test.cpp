// RFC 7797 unencoded payload ("b64": false) examples from the JOSE Cookbook: supported for
// detached content only, never in an attached compact JWS, and always with "crit": ["b64"]
// (RFC 7797 §6).
#include <gtest/gtest.h>

#include <string>

#include "vectors/vector_support.hpp"

namespace signet::vectors {
namespace {

const char* const kRfcExample = "jose-cookbook/rfc7797/4.2.hmac-sha2_b64_false.json";
const char* const kCompactExample = "jose-cookbook/rfc7797/hmac-sha2_b64_false.json";

// RFC 7797 §4.2 as published in the RFC: header {"alg":"HS256","b64":false,"crit":["b64"]}, payload
// "$.02", the RFC 7515 A.1 key. (The cookbook's copy of §4.2 omits "crit"; see below.)
constexpr std::string_view kRfc7797Section42Detached =
    "eyJhbGciOiJIUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19"
    "..A5dxf2s96_n5FLueVuW1Z_vh161FwXZC4YLPff6dmDY";

boost::json::object example(const char* file) {
    return read_json_file(file).as_object();
}

Jwk input_key(const boost::json::object& ex) {
    return Jwk::from_json(ex.at("input").at("key").as_object()).value();
}

TEST(Rfc7797, Section42DetachedSignatureIsReproducedByteForByte) {
    const auto ex = example(kRfcExample);
    const Jwk key = input_key(ex);
    EXPECT_EQ(str(ex.at("input").at("payload")), "$.02");
    auto token = jws::sign_detached_unencoded("$.02", key, Algorithm::HS256);
    SIGNET_ASSERT_OK(token);
    EXPECT_EQ(*token, kRfc7797Section42Detached);
    SIGNET_EXPECT_OK(jws::verify_detached_unencoded(kRfc7797Section42Detached, "$.02",
                                                    key_set_of(key), allow({Algorithm::HS256})));
}

TEST(Rfc7797, Section42DetachedSignatureFailsForAnotherPayload) {
    const Jwk key = input_key(example(kRfcExample));
    SIGNET_EXPECT_ERROR(jws::verify_detached_unencoded(kRfc7797Section42Detached, "$.03",
                                                       key_set_of(key), allow({Algorithm::HS256})),
                        Errc::bad_signature);
}

TEST(Rfc7797, CookbookSection42WithoutCritIsRejected) {
    // Conflict: the cookbook's §4.2 protects {"alg":"HS256","b64":false} with no "crit". RFC 7797
    // §6 requires "b64" to be listed in "crit"; without it a recipient that ignores "b64" would
    // read different bytes, so the header is refused although its MAC is correct.
    const auto ex = example(kRfcExample);
    const Jwk key = input_key(ex);
    const auto& flat = ex.at("output").at("json_flat").as_object();
    const std::string detached = str(flat.at("protected")) + ".." + str(flat.at("signature"));
    SIGNET_EXPECT_ERROR(jws::verify_detached_unencoded(detached, str(flat.at("payload")),
                                                       key_set_of(key), allow({Algorithm::HS256})),
                        Errc::unsupported_crit);
}

TEST(Rfc7797, CompactCompatibleExampleVerifiesDetached) {
    // Only the "output" members of this file are consistent with each other ("signing" holds a
    // signature input without "crit" and a signature over yet other bytes), so only they are used.
    const auto ex = example(kCompactExample);
    const Jwk key = input_key(ex);
    const std::string payload = str(ex.at("input").at("payload"));
    CompactParts parts = split_compact(str(ex.at("output").at("compact")));
    EXPECT_EQ(parts.payload, payload);
    parts.payload.clear();
    const std::string detached = parts.compact();

    SIGNET_EXPECT_OK(jws::verify_detached_unencoded(detached, payload, key_set_of(key),
                                                    allow({Algorithm::HS256})));
    auto token = jws::sign_detached_unencoded(payload, key, Algorithm::HS256);
    SIGNET_ASSERT_OK(token);
    EXPECT_EQ(*token, detached);
}

TEST(Rfc7797, AttachedUnencodedPayloadIsRejected) {
    // The same token with its payload attached: "b64": false is supported for detached content
    // only, never in an attached compact JWS (which could be a JWT).
    const auto ex = example(kCompactExample);
    SIGNET_EXPECT_ERROR(jws::verify(str(ex.at("output").at("compact")), key_set_of(input_key(ex)),
                                    allow({Algorithm::HS256})),
                        Errc::unencoded_payload);
}

}  // namespace
}  // namespace signet::vectors
