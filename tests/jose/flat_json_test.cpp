// The flat JSON fast path (src/jose/flat_json.hpp) against the strict parser: whatever the fast
// path accepts, the strict parser accepts with an identical result (same members, order, types
// and values); the fast path declines everything outside its subset. Checked on a table of
// inputs, on generated valid objects, and on random mutations of real claims and headers.
#include <gtest/gtest.h>

#include <array>
#include <boost/json.hpp>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "jose/flat_json.hpp"
#include "jose/json_strict.hpp"
#include "jose/kernel_paths.hpp"
#include "signet/claims_view.hpp"

namespace signet {
namespace {

namespace json = boost::json;
using namespace std::literals;

constexpr std::size_t kDepth = 16;

// Deep equality that also requires the same kinds (int64 vs uint64 vs double) and member order;
// json::value's operator== is looser on both.
::testing::AssertionResult identical(const json::value& a, const json::value& b) {
    if (a.kind() != b.kind()) {
        return ::testing::AssertionFailure()
               << "kinds differ: " << json::serialize(a) << " vs " << json::serialize(b);
    }
    switch (a.kind()) {
        case json::kind::object: {
            const json::object& x = a.get_object();
            const json::object& y = b.get_object();
            if (x.size() != y.size()) return ::testing::AssertionFailure() << "sizes differ";
            auto i = x.begin();
            auto j = y.begin();
            for (; i != x.end(); ++i, ++j) {
                if (i->key() != j->key()) {
                    return ::testing::AssertionFailure()
                           << "member order or names differ: " << i->key() << " vs " << j->key();
                }
                if (auto r = identical(i->value(), j->value()); !r) return r;
            }
            return ::testing::AssertionSuccess();
        }
        case json::kind::array: {
            const json::array& x = a.get_array();
            const json::array& y = b.get_array();
            if (x.size() != y.size()) return ::testing::AssertionFailure() << "array sizes differ";
            for (std::size_t k = 0; k < x.size(); ++k) {
                if (auto r = identical(x[k], y[k]); !r) return r;
            }
            return ::testing::AssertionSuccess();
        }
        case json::kind::double_: {
            const double x = a.get_double(), y = b.get_double();
            if (x == y && std::signbit(x) == std::signbit(y)) return ::testing::AssertionSuccess();
            return ::testing::AssertionFailure() << x << " vs " << y;
        }
        default:
            if (a == b) return ::testing::AssertionSuccess();
            return ::testing::AssertionFailure()
                   << json::serialize(a) << " vs " << json::serialize(b);
    }
}

std::string printable(std::string_view s) {
    std::string out;
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u >= 0x7f) {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\x";
            out += hex[u >> 4];
            out += hex[u & 15];
        } else {
            out += c;
        }
    }
    return out;
}

// The contract of parse_flat_object: accepted ⇒ the strict parser accepts the same object.
// Returns whether the fast path accepted.
// The ClaimsView indexes exactly the flat objects (up to its member limit) and holds the strict
// parser's tree for every other object: either way it accepts what the strict parser accepts and
// reads the same members. `flat_members`: the member count when parse_flat_object accepted.
void check_view_agreement(std::string_view input, std::optional<std::size_t> flat_members) {
    std::array<ClaimsView::Member, ClaimsView::kMaxIndexedMembers> members;
    std::size_t count = 0;
    const bool indexed = detail::index_flat_object(input, kDepth, members, count);
    EXPECT_EQ(indexed, flat_members && *flat_members <= members.size()) << printable(input);
    if (indexed) {
        EXPECT_EQ(count, *flat_members) << printable(input);
    }
    auto view = ClaimsView::parse(input, kDepth);
    auto strict = detail::parse_json_object_strict(input, kDepth, "test");
    ASSERT_EQ(view.ok(), strict.ok()) << printable(input);
    if (!view) {
        EXPECT_EQ(view.code(), strict.code()) << printable(input);
        return;
    }
    EXPECT_EQ(view->tree() == nullptr, indexed) << printable(input);
    EXPECT_EQ(view->size(), strict->size()) << printable(input);
    EXPECT_TRUE(identical(view->to_claims().json(), *strict)) << printable(input);
    for (const auto& m : *strict) {
        EXPECT_TRUE(view->contains(m.key())) << printable(input);
        const auto value = view->get_json(m.key());
        ASSERT_TRUE(value) << printable(input);
        EXPECT_TRUE(identical(*value, m.value())) << printable(input);
    }
}

bool check_object_agreement(std::string_view input) {
    json::object fast;
    const bool accepted = detail::parse_flat_object(input, kDepth, {}, fast);
    if (accepted) {
        auto strict = detail::parse_json_object_strict(input, kDepth, "test");
        EXPECT_TRUE(strict) << printable(input) << ": fast path accepted, strict parser said "
                            << strict.error().to_string();
        if (strict) {
            EXPECT_TRUE(identical(fast, *strict)) << printable(input);
        }
    }
    check_view_agreement(input, accepted ? fast.size() : std::optional<std::size_t>());
    return accepted;
}

// The contract of scan_flat_header: accepted ⇒ the strict parser accepts, and every field the
// scanner reports is what the parsed object holds.
bool check_header_agreement(std::string_view input) {
    detail::FlatHeader h;
    const bool accepted = detail::scan_flat_header(input, h);
    if (!accepted) return false;
    auto strict = detail::parse_json_object_strict(input, kDepth, "test");
    EXPECT_TRUE(strict) << printable(input) << ": scanner accepted, strict parser said "
                        << strict.error().to_string();
    if (!strict) return true;
    const json::object& o = *strict;
    EXPECT_EQ(h.members, o.size()) << printable(input);
    const auto string_member = [&](std::string_view name, bool has, std::string_view value) {
        const json::value* v = o.if_contains(name);
        EXPECT_EQ(has, v != nullptr) << name << " in " << printable(input);
        if (v != nullptr) {
            ASSERT_TRUE(v->is_string()) << name << " in " << printable(input);
            EXPECT_EQ(value, std::string_view(v->get_string())) << printable(input);
        }
    };
    string_member("alg", h.has_alg, h.alg);
    string_member("kid", h.has_kid, h.kid);
    string_member("typ", h.has_typ, h.typ);
    string_member("cty", h.has_cty, h.cty);
    const json::value* b64 = o.if_contains("b64");
    EXPECT_EQ(h.has_b64, b64 != nullptr) << printable(input);
    if (b64 != nullptr) {
        EXPECT_TRUE(b64->is_bool()) << printable(input);
        if (b64->is_bool()) {
            EXPECT_EQ(h.b64, b64->get_bool()) << printable(input);
        }
    }
    // Anything the header check would have to look at in depth ("crit", numbers, objects) is left
    // to the full parser.
    EXPECT_FALSE(o.contains("crit")) << printable(input);
    for (const auto& m : o) {
        EXPECT_TRUE(m.value().is_string() || m.value().is_bool()) << printable(input);
    }
    return true;
}

enum class Fast { accept, decline };

struct Case {
    std::string input;
    Fast object;
};

std::string many_members(std::size_t n) {
    std::string s = "{";
    for (std::size_t i = 0; i < n; ++i) {
        if (i != 0) s += ",";
        s += "\"m" + std::to_string(i) + "\":\"v" + std::to_string(i) + "\"";
    }
    return s + "}";
}

std::string all_printable_ascii() {
    std::string s = R"({"s":")";
    for (char c = 0x20; c < 0x7f; ++c) {
        if (c != '"' && c != '\\') s += c;
    }
    return s + "\"}";
}

std::vector<Case> object_cases() {
    using enum Fast;
    return {
        // Flat objects the fast path exists for.
        {"{}", accept},
        {" { } ", accept},
        {R"({"a":"b"})", accept},
        {R"({"":""})", accept},
        {R"({"a":" "})", accept},
        {R"({"a":"~"})", accept},
        {R"({"alg":"ES256","typ":"JWT","kid":"k1"})", accept},
        {R"({"sub":"1234567890","name":"John Doe","iat":1516239022})", accept},
        {R"({"iat":1516239022,"exp":1516242622,"nbf":1516239022})", accept},
        {R"({"a":true,"b":false,"c":null})", accept},
        {R"({"x":1,"y":-2,"z":"s","t":true,"f":false,"n":null,"l":["p","q"]})", accept},
        {all_printable_ascii(), accept},
        {many_members(40), accept},
        // Integers: up to 18 digits, exact in an int64 whatever the sign.
        {R"({"n":0})", accept},
        {R"({"n":-1})", accept},
        {R"({"n":7})", accept},
        {R"({"n":123456789012345678})", accept},
        {R"({"n":-123456789012345678})", accept},
        {R"({"n":999999999999999999})", accept},
        {R"({"n":100000000000000000})", accept},
        {R"({"n":1 })", accept},
        {R"({"n":1,"m":2})", accept},
        // 19 digits and more: int64, uint64 or double depending on the value.
        {R"({"n":1234567890123456789})", decline},
        {R"({"n":-1234567890123456789})", decline},
        {R"({"n":9223372036854775807})", decline},
        {R"({"n":9223372036854775808})", decline},
        {R"({"n":-9223372036854775808})", decline},
        {R"({"n":18446744073709551615})", decline},
        {R"({"n":18446744073709551616})", decline},
        {R"({"n":0000000000000000001})", decline},
        // -0 and non-integers.
        {R"({"n":-0})", decline},
        {R"({"n":0.5})", decline},
        {R"({"n":1.0})", decline},
        {R"({"n":-0.0})", decline},
        {R"({"n":1e3})", decline},
        {R"({"n":1E3})", decline},
        {R"({"n":1e-3})", decline},
        {R"({"n":1.5e300})", decline},
        // Numbers that are not JSON.
        {R"({"n":01})", decline},
        {R"({"n":-01})", decline},
        {R"({"n":00})", decline},
        {R"({"n":-})", decline},
        {R"({"n":+1})", decline},
        {R"({"n":1.})", decline},
        {R"({"n":.5})", decline},
        {R"({"n":12a})", decline},
        {R"({"n":0x10})", decline},
        // Arrays: of strings only.
        {R"({"aud":["a","b"]})", accept},
        {R"({"aud":[]})", accept},
        {R"({"aud":[ "a" , "b" ]})", accept},
        {R"({"aud":["a",1]})", decline},
        {R"({"aud":[1]})", decline},
        {R"({"aud":[true]})", decline},
        {R"({"aud":[null]})", decline},
        {R"({"aud":[["a"]]})", decline},
        {R"({"aud":[{"a":"b"}]})", decline},
        {R"({"aud":["a",]})", decline},
        {R"({"aud":["a"})", decline},
        {R"({"aud":["\u0041"]})", decline},
        {"{\"aud\":[\"\xc3\xa9\"]}", decline},
        // Nesting.
        {R"({"o":{}})", decline},
        {R"({"o":{"a":"b"}})", decline},
        {R"({"cnf":{"jwk":{"kty":"EC"}}})", decline},
        // Escapes, including in names.
        {R"({"a":"b\"c"})", decline},
        {R"({"a":"b\\c"})", decline},
        {R"({"a":"\/"})", decline},
        {R"({"a":"\u0041"})", decline},
        {R"({"a\u0041":"x"})", decline},
        {R"({"a":"\ud83d\ude00"})", decline},
        {R"({"a":"\x"})", decline},
        // Non-ASCII: valid and invalid UTF-8.
        {"{\"a\":\"\xc3\xa9\"}", decline},
        {"{\"a\":\"\xe6\x97\xa5\xe6\x9c\xac\"}", decline},
        {"{\"\xc3\xa9\":\"a\"}", decline},
        {"{\"a\":\"\xf0\x9f\x98\x80\"}", decline},
        {"{\"a\":\"\xff\"}", decline},
        {"{\"a\":\"\xc3\"}", decline},
        {"{\"a\":\"\xc0\xaf\"}", decline},
        {"{\"a\":\"\xed\xa0\x80\"}", decline},
        {"\xef\xbb\xbf{\"a\":\"b\"}", decline},
        // Control characters and DEL.
        {std::string("{\"a\":\"x\x01y\"}"), decline},
        {std::string("{\"a\":\"x\ty\"}"), decline},
        {std::string("{\"a\":\"x\ny\"}"), decline},
        {std::string("{\"a\x00\x62\":\"c\"}"sv), decline},
        {std::string("{\"a\":\"b\"}\x00"sv), decline},
        {std::string("{\"a\":\"x\x7fy\"}"), decline},
        {std::string("{\"a\x7f\":\"y\"}"), decline},
        // Duplicates, plain and escaped.
        {R"({"a":"b","a":"c"})", decline},
        {R"({"a":"b","\u0061":"c"})", decline},
        {R"({"a":1,"b":2,"a":3})", decline},
        {R"({"aud":["x"],"aud":["x"]})", decline},
        // Whitespace variants.
        {"{\"a\":\"b\"}\n", accept},
        {"\r\n\t{\"a\" : \"b\" ,\n \"c\" :\t1}\r\n", accept},
        {"{ \"a\" :[ ] }", accept},
        {"{\"a\":\"b\"}\f", decline},
        {"{\"a\":\"b\"}\v", decline},
        {"{\xc2\xa0\"a\":\"b\"}", decline},
        // Trailing garbage and broken syntax.
        {R"({"a":"b"} x)", decline},
        {R"({"a":"b"}})", decline},
        {R"({"a":"b"},)", decline},
        {R"({"a":"b"}{})", decline},
        {R"({"a":"b",})", decline},
        {R"({,})", decline},
        {R"({"a" "b"})", decline},
        {R"({"a":})", decline},
        {R"({"a"})", decline},
        {R"({a:"b"})", decline},
        {R"({'a':'b'})", decline},
        {R"({"a":"b"/*c*/})", decline},
        {R"({"a":"b"}//c)", decline},
        {R"({"a":tru})", decline},
        {R"({"a":nul})", decline},
        {R"({"a":True})", decline},
        {R"({"a":truee})", decline},
        {R"({"a":nullx})", decline},
        {R"({"a":"b")", decline},
        {R"({"a":"b)", decline},
        {"{", decline},
        {"", decline},
        {"   ", decline},
        // Not objects.
        {R"(["a"])", decline},
        {R"("a")", decline},
        {"1", decline},
        {"null", decline},
    };
}

// Every test runs with the vector kernels (the string map) on and off: both must agree with the
// strict parser in the same way.
class FlatJson : public testing::KernelPaths {};
INSTANTIATE_TEST_SUITE_P(Vectors, FlatJson, ::testing::Bool(), testing::kernel_path_name);

TEST_P(FlatJson, TableAcceptedInputsMatchTheStrictParserExactly) {
    const auto cases = object_cases();
    EXPECT_GE(cases.size(), 80u);
    std::size_t accepted = 0;
    for (const Case& c : cases) {
        const bool fast = check_object_agreement(c.input);
        EXPECT_EQ(fast, c.object == Fast::accept)
            << printable(c.input)
            << (fast ? ": accepted, expected to decline" : ": declined, expected to accept");
        accepted += fast;
        check_header_agreement(c.input);
    }
    EXPECT_GT(accepted, 20u);
}

TEST_P(FlatJson, IntegerKindsMatchTheStrictParser) {
    // The fast path always yields int64, as the strict parser does for such values.
    json::object fast;
    ASSERT_TRUE(
        detail::parse_flat_object(R"({"a":0,"b":-5,"c":123456789012345678})", kDepth, {}, fast));
    EXPECT_TRUE(fast.at("a").is_int64());
    EXPECT_TRUE(fast.at("b").is_int64());
    EXPECT_EQ(fast.at("c").as_int64(), 123456789012345678);
}

TEST_P(FlatJson, NeedsDepthTwo) {
    json::object out;
    EXPECT_FALSE(detail::parse_flat_object(R"({"a":"b"})", 1, {}, out));
    EXPECT_FALSE(detail::parse_flat_object(R"({"aud":["a"]})", 1, {}, out));
    EXPECT_EQ(detail::parse_json_object_strict(R"({"aud":["a"]})", 1, "test").code(),
              Errc::json_too_deep);
    EXPECT_TRUE(detail::parse_flat_object(R"({"aud":["a"]})", 2, {}, out));
    auto strict = detail::parse_json_object_strict(R"({"aud":["a"]})", 2, "test");
    ASSERT_TRUE(strict);
    EXPECT_TRUE(identical(out, *strict));
}

TEST_P(FlatJson, BuildsTheObjectInTheGivenStorage) {
    json::monotonic_resource arena;
    json::storage_ptr sp(&arena);
    json::object out(sp);
    ASSERT_TRUE(detail::parse_flat_object(R"({"sub":"a","aud":["x","y"],"n":3})", kDepth, sp, out));
    EXPECT_EQ(out.storage().get(), sp.get());
    EXPECT_EQ(out.at("aud").as_array().storage().get(), sp.get());
    auto strict =
        detail::parse_json_object_strict(R"({"sub":"a","aud":["x","y"],"n":3})", kDepth, "test");
    ASSERT_TRUE(strict);
    EXPECT_TRUE(identical(out, *strict));
}

// ---------------------------------------------------------------------------------------------
// The header scanner

struct HeaderCase {
    std::string input;
    Fast scan;
};

std::vector<HeaderCase> header_cases() {
    using enum Fast;
    return {
        {R"({"alg":"ES256","typ":"JWT","kid":"k"})", accept},
        {R"({"alg":"HS256"})", accept},
        {"{}", accept},
        {R"({"alg":"ES256","cty":"JWT"})", accept},
        {R"({"alg":"ES256","typ":"application/jwt"})", accept},
        {R"({"alg":"ES256","b64":false})", accept},
        {R"({"alg":"ES256","b64":true})", accept},
        {R"({"b64":false})", accept},
        {R"({"alg":"ES256","x":true})", accept},
        {R"({"alg":""})", accept},
        {R"({"algo":"x","al":"y","kidd":"z","ALG":"w"})", accept},
        {R"({"alg":"x","kid":"y","typ":"z","cty":"w","b64":true})", accept},
        {R"({"tru":true,"fals":false})", accept},
        {" {\n\t\"alg\" : \"ES256\" ,\r\n \"kid\":\"k\" } ", accept},
        {many_members(16), accept},
        {many_members(17), decline},  // more members than the scanner tracks
        {R"({"alg":"ES256","b64":"false"})", decline},
        {R"({"alg":"ES256","b64":0})", decline},
        {R"({"alg":"ES256","b64":null})", decline},
        {R"({"alg":"ES256","crit":["b64"],"b64":false})", decline},
        {R"({"alg":"ES256","crit":"b64"})", decline},
        {R"({"alg":"ES256","crit":true})", decline},
        {R"({"alg":true})", decline},
        {R"({"kid":false})", decline},
        {R"({"typ":true})", decline},
        {R"({"cty":false})", decline},
        {R"({"alg":"ES256","n":1})", decline},
        {R"({"alg":"ES256","n":null})", decline},
        {R"({"alg":"ES256","jwk":{}})", decline},
        {R"({"alg":"ES256","x5c":["a"]})", decline},
        {R"({"alg":"ES\u0032256"})", decline},
        {R"({"alg":"ES256","alg":"HS256"})", decline},
        {R"({"alg":"ES256","\u0061lg":"HS256"})", decline},
        {R"({"alg":"ES256","kid":"a","kid":"a"})", decline},
        {R"({"alg":"ES256"} x)", decline},
        {R"({"alg":"ES256",})", decline},
        {R"({"alg":"ES256")", decline},
        {"{\"alg\":\"\xc3\xa9\"}", decline},
        {"{\"alg\":\"a\x7f\"}", decline},
        {std::string("{\"alg\":\"ES256\"}\x00"sv), decline},
        {R"({"b64":falsey})", decline},
        {R"({"b64":fals})", decline},
        {R"(["alg"])", decline},
    };
}

TEST_P(FlatJson, HeaderScannerAgreesWithTheStrictParser) {
    std::size_t accepted = 0;
    for (const HeaderCase& c : header_cases()) {
        const bool scanned = check_header_agreement(c.input);
        EXPECT_EQ(scanned, c.scan == Fast::accept)
            << printable(c.input)
            << (scanned ? ": accepted, expected to decline" : ": declined, expected to accept");
        accepted += scanned;
        check_object_agreement(c.input);
    }
    EXPECT_GT(accepted, 10u);
}

TEST_P(FlatJson, HeaderScannerReportsTheFields) {
    detail::FlatHeader h;
    ASSERT_TRUE(detail::scan_flat_header(
        R"({"typ":"JWT","alg":"ES256","x":"y","cty":"c","kid":"k-1","b64":false})", h));
    EXPECT_EQ(h.alg, "ES256");
    EXPECT_EQ(h.kid, "k-1");
    EXPECT_EQ(h.typ, "JWT");
    EXPECT_EQ(h.cty, "c");
    EXPECT_TRUE(h.has_alg && h.has_kid && h.has_typ && h.has_cty && h.has_b64);
    EXPECT_FALSE(h.b64);
    EXPECT_EQ(h.members, 6u);

    detail::FlatHeader empty;
    ASSERT_TRUE(detail::scan_flat_header("{}", empty));
    EXPECT_FALSE(empty.has_alg || empty.has_kid || empty.has_typ || empty.has_cty || empty.has_b64);
    EXPECT_EQ(empty.members, 0u);
}

// ---------------------------------------------------------------------------------------------
// Generated and mutated inputs

// A random object inside the fast path's subset, written with random whitespace.
std::string random_flat_object(std::mt19937& rng, json::object& expected) {
    const auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
    const auto ws = [&] {
        static constexpr std::string_view spaces[] = {"", "", "", " ", "\n", "\t", "\r\n  "};
        return std::string(spaces[pick(std::size(spaces))]);
    };
    const auto text = [&] {
        std::string s;
        const std::size_t n = pick(12);
        for (std::size_t i = 0; i < n; ++i) {
            char c = static_cast<char>(0x20 + pick(0x5f));
            if (c == '"' || c == '\\') c = 'q';
            s += c;
        }
        return s;
    };
    std::string out = ws() + "{";
    const std::size_t members = pick(10);
    expected = json::object();
    for (std::size_t i = 0; i < members; ++i) {
        std::string name = text();
        while (expected.contains(name))
            name += "x";
        out += (i != 0 ? "," : "") + ws() + "\"" + name + "\"" + ws() + ":" + ws();
        switch (pick(6)) {
            case 0: {
                const std::string v = text();
                out += "\"" + v + "\"";
                expected[name] = v;
                break;
            }
            case 1: {
                // 1 to 18 digits, either sign, no leading zero.
                const std::size_t digits = 1 + pick(18);
                std::string d(1, static_cast<char>('1' + pick(9)));
                for (std::size_t k = 1; k < digits; ++k)
                    d += static_cast<char>('0' + pick(10));
                const bool negative = pick(2) == 0;
                out += (negative ? "-" : "") + d;
                const std::int64_t v = std::stoll(d);
                expected[name] = negative ? -v : v;
                break;
            }
            case 2: {
                const bool b = pick(2) == 0;
                out += b ? "true" : "false";
                expected[name] = b;
                break;
            }
            case 3:
                out += "null";
                expected[name] = nullptr;
                break;
            case 4: {
                json::array arr;
                out += "[" + ws();
                const std::size_t n = pick(4);
                for (std::size_t k = 0; k < n; ++k) {
                    const std::string v = text();
                    out += (k != 0 ? "," + ws() : "") + "\"" + v + "\"" + ws();
                    arr.emplace_back(v);
                }
                out += "]";
                expected[name] = std::move(arr);
                break;
            }
            default:
                out += "0";
                expected[name] = 0;
                break;
        }
        out += ws();
    }
    return out + "}" + ws();
}

TEST_P(FlatJson, AcceptsEveryGeneratedObjectOfItsSubset) {
    std::mt19937 rng(20240611);
    for (int i = 0; i < 3000; ++i) {
        json::object expected;
        const std::string input = random_flat_object(rng, expected);
        json::object fast;
        ASSERT_TRUE(detail::parse_flat_object(input, kDepth, {}, fast)) << printable(input);
        ASSERT_TRUE(identical(fast, expected)) << printable(input);
        check_object_agreement(input);
        check_header_agreement(input);
    }
}

TEST_P(FlatJson, StringsOfEveryLengthAndAlignmentEndWhereTheStrictParserSays) {
    // Strings crossing the map's 32- and 64-byte boundaries, up to past its 1 KiB limit, each with
    // every kind of byte a plain string may not hold at its first, middle and last position.
    const std::string bad_bytes[] = {"\\n", "\x01", "\x7f", "\xc3\xa9", "\t", "\"", "\\"};
    std::size_t accepted = 0;
    for (std::size_t pad = 0; pad < 70; pad += 3) {
        for (std::size_t len :
             {0, 1, 7, 8, 31, 32, 33, 63, 64, 65, 100, 127, 128, 200, 1000, 1030}) {
            const std::string prefix = "{\"p\":\"" + std::string(pad, 'p') + "\",\"s\":\"";
            const std::string body(len, 'x');
            accepted += check_object_agreement(prefix + body + "\"}");
            for (const std::string& bad : bad_bytes) {
                for (std::size_t at : {std::size_t{0}, len / 2, len}) {
                    std::string mutated = body;
                    mutated.insert(std::min(at, mutated.size()), bad);
                    check_object_agreement(prefix + mutated + "\"}");
                    check_header_agreement(prefix + mutated + "\"}");
                }
            }
        }
    }
    EXPECT_GT(accepted, 300u);
}

std::string mutate(std::string s, std::mt19937& rng) {
    static constexpr std::string_view interesting =
        "{}[],:\"\\ \t\n-+.0123456789eEtrufalsn\x7f\x01\xc3\xa9\xff/u";
    const auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
    const auto byte = [&]() -> char {
        if (pick(4) == 0) return static_cast<char>(pick(256));
        return interesting[pick(interesting.size())];
    };
    const std::size_t edits = 1 + pick(3);
    for (std::size_t e = 0; e < edits; ++e) {
        const std::size_t at = s.empty() ? 0 : pick(s.size());
        switch (pick(6)) {
            case 0: s.insert(s.begin() + static_cast<std::ptrdiff_t>(at), byte()); break;
            case 1:
                if (!s.empty()) s.erase(at, 1);
                break;
            case 2:
                if (!s.empty()) s[at] = byte();
                break;
            case 3: {  // duplicate a slice (makes duplicate members, nested values, ...)
                const std::size_t len = pick(12);
                s.insert(at, s.substr(at, len));
                break;
            }
            case 4: {  // swap two bytes
                if (s.size() > 1) std::swap(s[at], s[pick(s.size())]);
                break;
            }
            default: {  // a digit run, to reach the 18/19-digit boundary
                s.insert(at, std::string(1 + pick(20), static_cast<char>('0' + pick(10))));
                break;
            }
        }
    }
    return s;
}

TEST_P(FlatJson, RandomMutationsNeverMakeTheFastPathDisagree) {
    const std::vector<std::string> seeds = {
        R"({"iss":"https://issuer.example","sub":"1234567890","aud":["api","web"],"iat":1516239022,"exp":1516242622,"admin":true,"jti":null})",
        R"({"alg":"ES256","typ":"JWT","kid":"2024-06-key"})",
        R"({"alg":"RS256","b64":false,"crit":["b64"]})",
        R"({"sub":"a","n":123456789012345678,"m":-42,"scope":"read write"})",
        R"({ "a" : [ "x" , "y" ] , "b" : false , "c" : 0 })",
        "{}",
    };
    std::mt19937 rng(7516);
    std::size_t object_accepted = 0, header_accepted = 0;
    for (int i = 0; i < 20000; ++i) {
        const std::string input = mutate(seeds[static_cast<std::size_t>(i) % seeds.size()], rng);
        object_accepted += check_object_agreement(input);
        header_accepted += check_header_agreement(input);
        if (HasFailure()) {
            FAIL() << "first disagreement at iteration " << i << ": " << printable(input);
        }
    }
    // The loop exercises both outcomes of both functions.
    EXPECT_GT(object_accepted, 1000u);
    EXPECT_LT(object_accepted, 19000u);
    EXPECT_GT(header_accepted, 500u);
}

}  // namespace
}  // namespace signet
