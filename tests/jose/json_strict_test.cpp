// Strict JSON as the library reads it (RFC 8259 plus RFC 7515 §5.2 / RFC 7519 §7.2 duplicate-name
// rejection, bounded depth, valid UTF-8), exercised through Claims::parse, Jwk::parse and
// CompactJws::parse.
#include <gtest/gtest.h>

#include <string>

#include "signet/signet.hpp"
#include "test_support.hpp"

namespace signet {
namespace {

using testing::b64;

// `levels` nested containers in total, the outermost an object: {"a":{"a":...{}}}.
std::string nested_objects(std::size_t levels) {
    std::string s;
    for (std::size_t i = 1; i < levels; ++i)
        s += "{\"a\":";
    s += "{}";
    for (std::size_t i = 1; i < levels; ++i)
        s += "}";
    return s;
}

// An object holding arrays: {"a":[[...[]]]} with `levels` containers in total.
std::string nested_arrays(std::size_t levels) {
    std::string s = "{\"a\":";
    for (std::size_t i = 1; i < levels; ++i)
        s += "[";
    for (std::size_t i = 1; i < levels; ++i)
        s += "]";
    return s + "}";
}

TEST(JsonStrict, AcceptsPlainObject) {
    auto c = Claims::parse(R"({"sub":"alice","n":1,"f":1.5,"b":true,"z":null,"a":[1,"x"],"o":{}})");
    ASSERT_TRUE(c) << c.error().to_string();
    EXPECT_EQ(c->get_string("sub"), "alice");
}

TEST(JsonStrict, AcceptsSurroundingWhitespace) {
    // RFC 8259 §2: insignificant whitespace is allowed before and after the value; JWK files end
    // with a newline.
    EXPECT_TRUE(Claims::parse(" \t\r\n{\"a\":1}"));
    EXPECT_TRUE(Claims::parse("{\"a\":1}\n"));
    EXPECT_TRUE(Jwk::parse(R"({"kty":"oct","k":"AAAA"})"
                           "\n"));
}

TEST(JsonStrict, RejectsDuplicateTopLevelName) {
    EXPECT_EQ(Claims::parse(R"({"sub":"alice","sub":"mallory"})").code(), Errc::duplicate_member);
    EXPECT_EQ(Claims::parse(R"({"a":1,"b":2,"a":1})").code(), Errc::duplicate_member);
    EXPECT_EQ(Claims::parse(R"({"":1,"":2})").code(), Errc::duplicate_member);
}

TEST(JsonStrict, RejectsDuplicateNestedName) {
    EXPECT_EQ(Claims::parse(R"({"o":{"x":1,"x":2}})").code(), Errc::duplicate_member);
    EXPECT_EQ(Claims::parse(R"({"a":[{"k":1},{"k":1,"k":2}]})").code(), Errc::duplicate_member);
    EXPECT_EQ(Claims::parse(R"({"a":{"b":{"c":{"d":1,"d":1}}}})").code(), Errc::duplicate_member);
}

TEST(JsonStrict, RejectsDuplicateAfterNestedObjectCloses) {
    EXPECT_EQ(Claims::parse(R"({"a":{"b":1},"a":2})").code(), Errc::duplicate_member);
    EXPECT_EQ(Claims::parse(R"({"a":{"a":{"a":1}},"x":[],"a":0})").code(), Errc::duplicate_member);
}

TEST(JsonStrict, RejectsDuplicateSpelledWithEscapes) {
    // "a\u0062" is "ab" after unescaping (RFC 8259 §8.3 compares unescaped names).
    EXPECT_EQ(Claims::parse(R"({"ab":1,"a\u0062":2})").code(), Errc::duplicate_member);
    EXPECT_EQ(Claims::parse(R"({"\u0061b":1,"ab":2})").code(), Errc::duplicate_member);
    EXPECT_EQ(Claims::parse(R"({"a\"b":1,"a\u0022b":2})").code(), Errc::duplicate_member);
    EXPECT_EQ(Claims::parse(R"({"o":{"\u00e9":1,"é":2}})").code(), Errc::duplicate_member);
}

TEST(JsonStrict, AcceptsSameNameInSiblingAndNestedObjects) {
    // Names need only be unique within one object.
    EXPECT_TRUE(Claims::parse(R"({"a":{"a":1},"b":{"a":2}})"));
    EXPECT_TRUE(Claims::parse(R"({"x":[{"k":1},{"k":2}],"k":3})"));
    EXPECT_TRUE(Claims::parse(R"({"ab":1,"a\u0063":2,"abc":3})"));
}

// {"m0":0,"m1":1,...} with `count` members, then `extra` appended verbatim.
std::string wide_object(std::size_t count, std::string_view extra = "") {
    std::string s = "{";
    for (std::size_t i = 0; i < count; ++i) {
        if (i != 0) s += ",";
        s += "\"m" + std::to_string(i) + "\":" + std::to_string(i);
    }
    if (!extra.empty()) s += (count != 0 ? "," : "") + std::string(extra);
    return s + "}";
}

TEST(JsonStrict, RejectsDuplicatesInWideObjects) {
    // Every pairing of positions around the point where a wide object's names are tracked
    // differently: both early, one early and one late, both late.
    for (std::size_t count : {15u, 16u, 17u, 40u}) {
        EXPECT_TRUE(Claims::parse(wide_object(count))) << count;
        for (std::size_t repeat : {0u, 7u, 15u, 16u, 20u, 39u}) {
            if (repeat >= count) continue;
            const std::string text =
                wide_object(count, "\"m" + std::to_string(repeat) + "\":\"again\"");
            EXPECT_EQ(Claims::parse(text).code(), Errc::duplicate_member)
                << count << " members, repeating m" << repeat;
        }
    }
    // A repeated name spelled with an escape, late in a wide object.
    EXPECT_EQ(Claims::parse(wide_object(30, R"("m\u0032\u0035":0)")).code(),
              Errc::duplicate_member);
}

TEST(JsonStrict, WideSiblingAndNestedObjectsDoNotShareNames) {
    const std::string a = wide_object(20);
    // The same 20 names in sibling objects, in an array of objects, and nested one level down.
    EXPECT_TRUE(Claims::parse("{\"x\":" + a + ",\"y\":" + a + "}"));
    EXPECT_TRUE(Claims::parse("{\"list\":[" + a + "," + a + "," + a + "]}"));
    EXPECT_TRUE(Claims::parse(wide_object(20, "\"inner\":" + a)));
    EXPECT_TRUE(Claims::parse(wide_object(20, "\"inner\":" + a + ",\"m25\":1")));
    // After a wide nested object closes, the outer object still remembers its own names.
    EXPECT_EQ(Claims::parse(wide_object(20, "\"inner\":" + a + ",\"m3\":1")).code(),
              Errc::duplicate_member);
    // A duplicate in the second of two wide siblings.
    EXPECT_EQ(Claims::parse("{\"x\":" + a + ",\"y\":" + wide_object(20, "\"m19\":0") + "}").code(),
              Errc::duplicate_member);
}

TEST(JsonStrict, RejectsDuplicateJwkMember) {
    EXPECT_EQ(Jwk::parse(R"({"kty":"oct","k":"AAAA","k":"BBBB"})").code(), Errc::duplicate_member);
    EXPECT_EQ(Jwk::parse(R"({"kty":"oct","kty":"RSA","k":"AAAA"})").code(), Errc::duplicate_member);
}

TEST(JsonStrict, RejectsDuplicateHeaderMember) {
    const std::string token = b64(R"({"alg":"HS256","alg":"none"})") + "." + b64("{}") + ".AAAA";
    EXPECT_EQ(CompactJws::parse(token).code(), Errc::duplicate_member);
}

TEST(JsonStrict, DepthLimitCountsEveryContainer) {
    // max_depth containers are accepted, one more is json_too_deep; objects and arrays alike.
    for (std::size_t limit : {1u, 2u, 5u, 16u}) {
        EXPECT_TRUE(Claims::parse(nested_objects(limit), limit)) << "limit " << limit;
        EXPECT_EQ(Claims::parse(nested_objects(limit + 1), limit).code(), Errc::json_too_deep)
            << "limit " << limit;
        if (limit >= 2) {
            EXPECT_TRUE(Claims::parse(nested_arrays(limit), limit)) << "limit " << limit;
            EXPECT_EQ(Claims::parse(nested_arrays(limit + 1), limit).code(), Errc::json_too_deep)
                << "limit " << limit;
        }
    }
}

TEST(JsonStrict, DefaultDepthLimitIsSixteen) {
    EXPECT_TRUE(Claims::parse(nested_objects(kDefaultMaxJsonDepth)));
    EXPECT_EQ(Claims::parse(nested_objects(kDefaultMaxJsonDepth + 1)).code(), Errc::json_too_deep);
}

TEST(JsonStrict, HeaderDepthFollowsParseLimits) {
    const std::string header = R"({"alg":"HS256","x":)" + nested_objects(3) + "}";  // 4 levels
    const std::string token = b64(header) + "." + b64("{}") + ".AAAA";
    ParseLimits limits;
    limits.max_json_depth = 4;
    EXPECT_TRUE(CompactJws::parse(token, limits));
    limits.max_json_depth = 3;
    EXPECT_EQ(CompactJws::parse(token, limits).code(), Errc::json_too_deep);
}

TEST(JsonStrict, JwkDepthIsBounded) {
    std::string deep = R"({"kty":"oct","k":"AAAA","x":)" + nested_objects(40) + "}";
    EXPECT_EQ(Jwk::parse(deep).code(), Errc::json_too_deep);
}

TEST(JsonStrict, RejectsInvalidUtf8) {
    EXPECT_EQ(Claims::parse("{\"sub\":\"\xff\"}").code(), Errc::bad_json);
    EXPECT_EQ(Claims::parse("{\"sub\":\"\xc3\"}").code(), Errc::bad_json);          // truncated
    EXPECT_EQ(Claims::parse("{\"sub\":\"\xc0\xaf\"}").code(), Errc::bad_json);      // overlong
    EXPECT_EQ(Claims::parse("{\"sub\":\"\xed\xa0\x80\"}").code(), Errc::bad_json);  // surrogate
    EXPECT_EQ(Claims::parse("{\"\xfe\":1}").code(), Errc::bad_json);                // in a name
    EXPECT_TRUE(Claims::parse("{\"sub\":\"caf\xc3\xa9\"}"));                        // valid
}

TEST(JsonStrict, RejectsTrailingData) {
    EXPECT_EQ(Claims::parse("{} x").code(), Errc::bad_json);
    EXPECT_EQ(Claims::parse("{}{}").code(), Errc::bad_json);
    EXPECT_EQ(Claims::parse(R"({"a":1}])").code(), Errc::bad_json);
    EXPECT_EQ(Claims::parse(std::string_view("{}\0", 3)).code(), Errc::bad_json);
}

TEST(JsonStrict, RejectsComments) {
    EXPECT_EQ(Claims::parse(R"({"a":1 /* c */})").code(), Errc::bad_json);
    EXPECT_EQ(Claims::parse("{\"a\":1} // c").code(), Errc::bad_json);
    EXPECT_EQ(Claims::parse("// c\n{\"a\":1}").code(), Errc::bad_json);
}

TEST(JsonStrict, RejectsTrailingCommas) {
    EXPECT_EQ(Claims::parse(R"({"a":1,})").code(), Errc::bad_json);
    EXPECT_EQ(Claims::parse(R"({"a":[1,2,]})").code(), Errc::bad_json);
}

TEST(JsonStrict, RejectsNonObjectDocuments) {
    for (const char* text : {"[]", "[{}]", "\"x\"", "1", "true", "null"}) {
        EXPECT_EQ(Claims::parse(text).code(), Errc::bad_json) << text;
        EXPECT_EQ(Jwk::parse(text).code(), Errc::bad_json) << text;
    }
}

TEST(JsonStrict, RejectsNonObjectHeader) {
    const std::string token = b64(R"(["alg","HS256"])") + "." + b64("{}") + ".AAAA";
    EXPECT_EQ(CompactJws::parse(token).code(), Errc::bad_json);
}

TEST(JsonStrict, RejectsEmptyAndTruncatedText) {
    EXPECT_EQ(Claims::parse("").code(), Errc::bad_json);
    EXPECT_EQ(Claims::parse("   ").code(), Errc::bad_json);
    EXPECT_EQ(Claims::parse(R"({"a":)").code(), Errc::bad_json);
    EXPECT_EQ(Claims::parse(R"({"a":"x)").code(), Errc::bad_json);
}

TEST(JsonStrict, RejectsNonJsonLiterals) {
    EXPECT_EQ(Claims::parse(R"({'a':1})").code(), Errc::bad_json);
    EXPECT_EQ(Claims::parse(R"({a:1})").code(), Errc::bad_json);
    EXPECT_EQ(Claims::parse(R"({"a":NaN})").code(), Errc::bad_json);
    EXPECT_EQ(Claims::parse(R"({"a":Infinity})").code(), Errc::bad_json);
    EXPECT_EQ(Claims::parse(R"({"a":01})").code(), Errc::bad_json);
    EXPECT_EQ(Claims::parse("{\"a\":\"tab\there\"}").code(), Errc::bad_json);  // raw control
}

TEST(JsonStrict, HugeNumbersKeepTheirMagnitude) {
    // Integers beyond 64 bits become doubles: never wrapped into small or negative values,
    // never read as integers or dates.
    auto big =
        Claims::parse(R"({"n":123456789012345678901234567890,"u":18446744073709551616,"e":1e308,)"
                      R"("m":-1e308,"i":-9223372036854775809})");
    ASSERT_TRUE(big) << big.error().to_string();
    EXPECT_FALSE(big->get_int("n").has_value());
    EXPECT_GT(big->get_number("n").value(), 1e29);
    EXPECT_GT(big->get_number("u").value(), 1.8e19);
    EXPECT_FALSE(big->get_int("u").has_value());
    EXPECT_EQ(big->get_number("e").value(), 1e308);
    EXPECT_EQ(big->get_number("m").value(), -1e308);
    EXPECT_LT(big->get_number("i").value(), -9.2e18);
    EXPECT_FALSE(big->get_int("i").has_value());
    EXPECT_FALSE(big->get_numeric_date("e").has_value());
    EXPECT_FALSE(big->get_numeric_date("m").has_value());
    const std::string many_digits = "{\"n\":" + std::string(300, '9') + "}";
    auto many = Claims::parse(many_digits);
    ASSERT_TRUE(many) << many.error().to_string();
    EXPECT_GT(many->get_number("n").value(), 1e299);
    EXPECT_FALSE(many->get_int("n").has_value());
}

TEST(JsonStrict, NumbersBeyondDoubleRangeAreRejected) {
    // They would become infinity (or, for 0e400, NaN): no JSON spelling to write them back, and
    // as a date a token that never expires.
    for (const char* text :
         {R"({"e":1e999999})", R"({"e":-1e400})", R"({"e":0e400})", R"({"e":[1,2,1e400]})"}) {
        auto r = Claims::parse(text);
        EXPECT_EQ(r.code(), Errc::bad_json) << text;
    }
    const std::string many_digits = "{\"n\":" + std::string(5000, '9') + "}";
    EXPECT_EQ(Claims::parse(many_digits).code(), Errc::bad_json);
}

}  // namespace
}  // namespace signet
