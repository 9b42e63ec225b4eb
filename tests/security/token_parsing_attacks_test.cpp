// Attacks on the parsing of a compact token: duplicate member names (also spelled with \u
// escapes), non-canonical base64url, whitespace, wrong segment counts, JSON that is not an
// object, invalid UTF-8, deep nesting and oversized input. Tokens are signed over exactly the
// bytes they carry, so the defect under test is the only one.
#include <gtest/gtest.h>
#include <limits>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "security/alloc_tracker.hpp"
#include "security/security_support.hpp"

namespace signet::security {
namespace {

const Jwk& hs() {
    return signing_key(Algorithm::HS256);
}

const Verifier& hs_verifier() {
    static const Verifier verifier = make_verifier({signing_key(Algorithm::HS256)});
    return verifier;
}

const KeySet& hs_keys() {
    static const KeySet keys = key_set({signing_key(Algorithm::HS256)});
    return keys;
}

std::string hs_token(std::string_view header, std::string_view payload) {
    return signed_token(header, payload, hs(), Algorithm::HS256);
}

constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";

// RFC 7515 §4 and §5.2 step 4, RFC 7519 §4 and §7.2 step 9, RFC 8725 §3.1: duplicate member
// names are rejected rather than resolved, because two parsers resolving them differently
// (first wins, last wins) is how a token means one thing to a gateway and another to a service.
// A \u escape spells the same name with different bytes and must not slip past the check.
TEST(DuplicateNames, RepeatedHeaderMembersRejectedIncludingEscapedSpellings) {
    const std::vector<std::string> headers = {
        R"({"alg":"HS256","alg":"none"})",
        R"({"alg":"none","alg":"HS256"})",
        R"({"alg":"HS256","alg":"HS256"})",
        R"({"alg":"HS256","\u0061lg":"none"})",
        R"({"\u0061\u006c\u0067":"none","alg":"HS256"})",
        R"({"alg":"HS256","kid":"a","k\u0069d":"HS256-key"})",
        R"({"alg":"HS256","typ":"JWT","typ":"JOSE"})",
        R"({"alg":"HS256","crit":["x"],"x":1,"x":2})",
        R"({"alg":"HS256","jwk":{"kty":"oct","kty":"RSA"}})",
        R"({"alg":"HS256","b64":true,"b\u0036\u0034":false})",
    };
    for (const std::string& header : headers) {
        const std::string token = hs_token(header, valid_claims());
        EXPECT_VERIFIER(hs_verifier(), token, Errc::duplicate_member);
        EXPECT_JWS(token, hs_keys(), jws_options({Algorithm::HS256}), Errc::duplicate_member);
        EXPECT_EQ(CompactJws::parse(token).code(), Errc::duplicate_member) << header;
        EXPECT_EQ(decode_without_verification(token).code(), Errc::duplicate_member) << header;
    }
}

TEST(DuplicateNames, RepeatedClaimsRejectedIncludingEscapedSpellings) {
    const std::vector<std::string> payloads = {
        R"({"sub":"alice","sub":"admin","exp":1700000600})",
        R"({"sub":"alice","\u0073ub":"admin","exp":1700000600})",
        R"({"sub":"alice","\u0073\u0075\u0062":"admin","exp":1700000600})",
        R"({"exp":1700000600,"exp":1})",
        R"({"exp":1,"\u0065xp":1700000600})",
        R"({"aud":"api","aud":"other","exp":1700000600})",
        R"({"iss":"https://issuer.example","is\u0073":"https://evil.example"})",
        R"({"sub":"alice","roles":{"admin":false,"admin":true}})",
        R"({"sub":"alice","roles":[{"admin":false,"\u0061dmin":true}]})",
        R"({"sub":"alice","admin":false,"admin":true})",
    };
    for (const std::string& payload : payloads) {
        const std::string token = hs_token(kHeader, payload);
        EXPECT_VERIFIER(hs_verifier(), token, Errc::duplicate_member);
        EXPECT_EQ(decode_without_verification(token).code(), Errc::duplicate_member) << payload;
        EXPECT_EQ(Claims::parse(payload).code(), Errc::duplicate_member) << payload;
    }
    // Control: the same member names in different objects are not duplicates.
    EXPECT_VERIFIER(hs_verifier(),
                    hs_token(kHeader, R"({"sub":"alice","exp":1700000600,"o":{"sub":"bob"}})"),
                    Errc::ok);
}

// The first header whose encoding has the wanted property, made by lengthening a member.
std::string header_where(const std::function<bool(const std::string&)>& wanted) {
    for (std::size_t n = 0; n < 64; ++n) {
        const std::string header = R"({"alg":"HS256","n":"~~~???)" + std::string(n, 'x') + R"("})";
        if (wanted(header)) return header;
    }
    throw std::runtime_error("no such header");
}

// Changes the unused low bits of the last base64url character: the same bytes, another text.
std::string flip_unused_bits(std::string encoded) {
    static constexpr std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const std::size_t value = alphabet.find(encoded.back());
    encoded.back() = alphabet[value | 1];  // 2 or 4 unused bits: the lowest is one of them
    return encoded;
}

// RFC 7515 §2 and §3, RFC 4648 §3.5 and §5: base64url without padding, in canonical form only.
// Accepting '+', '/', '=' or non-zero unused bits makes one token have many spellings, which
// defeats token blacklists, replay caches and signature-based deduplication.
TEST(NonCanonicalBase64, EverySegmentRejectsNonCanonicalSpellings) {
    const std::string claims = valid_claims();

    // Header: '+' or '/' instead of '-' or '_', '=' padding, non-zero unused bits.
    const std::string dash = header_where([](const std::string& h) {
        return b64(h).find('-') != std::string::npos && b64(h).find('_') != std::string::npos;
    });
    std::string plus = b64(dash), slash = b64(dash);
    plus[plus.find('-')] = '+';
    slash[slash.find('_')] = '/';
    const std::string two_left =
        header_where([](const std::string& h) { return h.size() % 3 == 1; });
    const std::string three_left =
        header_where([](const std::string& h) { return h.size() % 3 == 2; });
    const std::vector<std::string> bad_headers = {
        plus,
        slash,
        b64(two_left) + "==",
        b64(three_left) + "=",
        flip_unused_bits(b64(two_left)),
        flip_unused_bits(b64(three_left)),
    };
    for (const std::string& header : bad_headers) {
        const std::string token = sign_input(header + "." + b64(claims), hs(), Algorithm::HS256);
        EXPECT_VERIFIER(hs_verifier(), token, Errc::bad_base64);
        EXPECT_JWS(token, hs_keys(), jws_options({Algorithm::HS256}), Errc::bad_base64);
        EXPECT_EQ(CompactJws::parse(token).code(), Errc::bad_base64);
    }

    // Payload: correctly signed over its non-canonical text, so the signature passes and the
    // decoder is what must refuse it.
    std::string padded_claims = claims;
    while (padded_claims.size() % 3 == 0)
        padded_claims.push_back(' ');
    for (const std::string& payload : {b64(padded_claims) + "=", b64(padded_claims) + "==",
                                       flip_unused_bits(b64(padded_claims))}) {
        const std::string token = sign_input(b64(kHeader) + "." + payload, hs(), Algorithm::HS256);
        EXPECT_VERIFIER(hs_verifier(), token, Errc::bad_base64);
        EXPECT_JWS(token, hs_keys(), jws_options({Algorithm::HS256}), Errc::bad_base64);
    }

    // Signature: an HS256 MAC is 32 bytes (43 characters, 2 unused bits), an ES256 signature 64
    // bytes (86 characters, 4 unused bits). Flipping unused bits keeps the decoded bytes, so a
    // lenient decoder would accept a second spelling of a valid token.
    const std::string good = hs_token(kHeader, claims);
    const std::size_t dot = good.rfind('.');
    const std::string input = good.substr(0, dot), sig = good.substr(dot + 1);
    ASSERT_EQ(sig.size(), 43u);
    for (const std::string& bad_sig : {flip_unused_bits(sig), sig + "=", sig + "=="}) {
        const std::string token = input + "." + bad_sig;
        EXPECT_VERIFIER(hs_verifier(), token, Errc::bad_base64);
        EXPECT_JWS(token, hs_keys(), jws_options({Algorithm::HS256}), Errc::bad_base64);
    }
    const Jwk& es = signing_key(Algorithm::ES256);
    const std::string es_good = signed_token(R"({"alg":"ES256"})", claims, es, Algorithm::ES256);
    const std::string es_sig = es_good.substr(es_good.rfind('.') + 1);
    ASSERT_EQ(es_sig.size(), 86u);
    const std::string es_token =
        es_good.substr(0, es_good.rfind('.') + 1) + flip_unused_bits(es_sig);
    EXPECT_VERIFIER(make_verifier({public_of(es)}), es_token, Errc::bad_base64);

    // The decoder itself.
    for (const std::string text : {"QQ=", "QQ==", "QR", "QUF=", "QUG", "Q+", "Q/", "+/8", "Q Q",
                                   "QQ\n", "A", "QUFB=", "QUFBQ"}) {
        EXPECT_EQ(base64url_decode(text).code(), Errc::bad_base64) << text;
    }
    EXPECT_EQ(base64url_decode("QQ").value(), "A");  // control: canonical forms decode
    EXPECT_EQ(base64url_decode("-_8").value(), "\xfb\xff");
    // Controls: the canonical spellings verify.
    EXPECT_VERIFIER(hs_verifier(), good, Errc::ok);
    EXPECT_VERIFIER(hs_verifier(), hs_token(dash, claims), Errc::ok);
}

// RFC 7515 §2 and §7.1: no line breaks, whitespace or other characters in a compact
// serialization. Tolerating them gives one token many spellings (see above) and lets a token
// hide in headers or logs that split on whitespace.
TEST(Whitespace, SpacesAndNewlinesInsideTokenRejected) {
    const std::string header = b64(kHeader), payload = b64(valid_claims());
    const std::string good = hs_token(kHeader, valid_claims());
    const std::string sig = good.substr(good.rfind('.') + 1);
    for (const std::string ws : {" ", "\n", "\r\n", "\t", "\r", "\f", "\v"}) {
        SCOPED_TRACE(::testing::Message() << "whitespace of " << ws.size() << " byte(s), first "
                                          << static_cast<int>(ws[0]));
        const auto resign = [&](const std::string& input) {
            return sign_input(input, hs(), Algorithm::HS256);
        };
        const std::vector<std::string> tokens = {
            resign(ws + header + "." + payload),  // before the token
            resign(header + ws + "." + payload),  // before a dot
            resign(header + "." + ws + payload),  // after a dot
            resign(header.substr(0, 10) + ws + header.substr(10) + "." + payload),  // wrapped
            resign(header + "." + payload.substr(0, 20) + ws + payload.substr(20)),
            header + "." + payload + "." + sig + ws,  // after the token
            header + "." + payload + "." + ws + sig,
            header + "." + payload + "." + sig.substr(0, 20) + ws + sig.substr(20),
        };
        for (const std::string& token : tokens) {
            EXPECT_VERIFIER(hs_verifier(), token, Errc::bad_base64);
            EXPECT_JWS(token, hs_keys(), jws_options({Algorithm::HS256}), Errc::bad_base64);
        }
    }
}

// RFC 7515 §7.1 and RFC 7519 §7.2 step 1: a JWS has exactly three segments (a JWE five,
// RFC 7516 §7.1); an empty header segment is no header.
TEST(SegmentCount, TwoFourAndOtherCountsRejected) {
    const std::string good = hs_token(kHeader, valid_claims());
    const std::vector<std::string> parts = split_dots(good);
    const std::vector<std::string> malformed = {
        "",
        parts[0],
        parts[0] + "." + parts[1],                                // 2 segments
        good + ".",                                               // 4 segments, last empty
        good + "." + parts[2],                                    // 4 segments
        good + "." + parts[1] + "." + parts[2],                   // 5 segments
        good + "." + parts[1] + "." + parts[2] + "." + parts[2],  // 6 segments
        "." + parts[1] + "." + parts[2],                          // empty header
        "..",
        "...",
        "....",
    };
    for (const std::string& token : malformed) {
        EXPECT_VERIFIER(hs_verifier(), token, Errc::malformed);
        EXPECT_JWS(token, hs_keys(), jws_options({Algorithm::HS256}), Errc::malformed);
        EXPECT_EQ(CompactJws::parse(token).code(), Errc::malformed);
    }
    // Three segments with an empty signature is a forgery attempt, not a parse error.
    EXPECT_VERIFIER(hs_verifier(), parts[0] + "." + parts[1] + ".", Errc::bad_signature);
    // An empty payload segment, correctly signed, is no claims set (not even "{}").
    EXPECT_VERIFIER(hs_verifier(), sign_input(parts[0] + ".", hs(), Algorithm::HS256),
                    Errc::bad_json);
}

// RFC 7515 §5.2 step 3 and RFC 7519 §7.2 steps 3 and 10: header and claims set are JSON
// objects. A parser that accepts any JSON value may index an array or string as if it were an
// object.
TEST(NotAnObject, HeaderOrPayloadThatIsNotAJsonObjectRejected) {
    const std::vector<std::string> values = {
        "[]",
        R"(["alg","HS256"])",
        R"([{"alg":"HS256"}])",
        R"("HS256")",
        "42",
        "-1",
        "1e3",
        "null",
        "true",
        "false",
        " ",
        R"({"alg":"HS256"} {"alg":"none"})",
        R"({"alg":"HS256"}x)",
        R"({"alg":"HS256"},)",
        R"({"alg":"HS256")",
        "{",
        R"({"alg"})",
        R"({'alg':'HS256'})",
        R"({alg:"HS256"})",
        R"({"alg":"HS256",})",
        "/*c*/{\"alg\":\"HS256\"}",
    };
    for (const std::string& value : values) {
        SCOPED_TRACE(value);
        const std::string bad_header = hs_token(value, valid_claims());
        EXPECT_VERIFIER(hs_verifier(), bad_header, Errc::bad_json);
        EXPECT_JWS(bad_header, hs_keys(), jws_options({Algorithm::HS256}), Errc::bad_json);
        EXPECT_EQ(CompactJws::parse(bad_header).code(), Errc::bad_json);
        const std::string bad_payload = hs_token(kHeader, value);
        EXPECT_VERIFIER(hs_verifier(), bad_payload, Errc::bad_json);
        EXPECT_EQ(decode_without_verification(bad_payload).code(), Errc::bad_json);
        EXPECT_EQ(Claims::parse(value).code(), Errc::bad_json);
    }
}

// RFC 8725 §3.7 and RFC 8259 §8.1: JSON text is UTF-8. Invalid sequences (overlong forms,
// surrogates, truncated or out-of-range sequences) are how two parsers come to see different
// strings in the same bytes.
TEST(InvalidUtf8, InHeaderAndClaimsRejected) {
    const std::vector<std::string> sequences = {
        "\xff",                  // never valid
        "\xc0\xaf",              // overlong '/'
        "\xe0\x80\xaf",          // overlong '/', 3 bytes
        "\xed\xa0\x80",          // UTF-16 surrogate encoded in UTF-8 (CESU-8)
        "\xe2\x82",              // truncated
        "\xf4\x90\x80\x80",      // above U+10FFFF
        "\xf8\x88\x80\x80\x80",  // 5-byte form
        "\x80",                  // lone continuation byte
        "A\xc3",                 // truncated at the end
    };
    for (const std::string& bad : sequences) {
        SCOPED_TRACE(::testing::Message() << "first byte " << (static_cast<int>(bad[0]) & 0xff));
        const std::vector<std::string> headers = {
            R"({"alg":"HS256","kid":")" + bad + R"("})",
            R"({"alg":"HS256","x)" + bad + R"(":1})",
            R"({"alg":"HS256)" + bad + R"("})",
        };
        for (const std::string& header : headers) {
            const std::string token = hs_token(header, valid_claims());
            EXPECT_VERIFIER(hs_verifier(), token, Errc::bad_json);
            EXPECT_JWS(token, hs_keys(), jws_options({Algorithm::HS256}), Errc::bad_json);
        }
        const std::vector<std::string> payloads = {
            R"({"sub":"alice)" + bad + R"(","exp":1700000600})",
            R"({"sub":"alice","exp":1700000600,"n)" + bad + R"(":1})",
            R"({"sub":"alice","exp":1700000600,"aud":["api",")" + bad + R"("]})",
        };
        for (const std::string& payload : payloads) {
            EXPECT_VERIFIER(hs_verifier(), hs_token(kHeader, payload), Errc::bad_json);
            EXPECT_EQ(Claims::parse(payload).code(), Errc::bad_json);
        }
    }
    // Escaped lone surrogates are not characters either (RFC 8259 §8.2).
    for (const std::string payload :
         {R"({"sub":"\ud800"})", R"({"sub":"\udc00"})", R"({"sub":"\ud800\u0041"})"}) {
        EXPECT_VERIFIER(hs_verifier(), hs_token(kHeader, payload), Errc::bad_json);
    }
    // Control: valid multi-byte UTF-8 is accepted.
    EXPECT_VERIFIER(hs_verifier(),
                    hs_token(kHeader,
                             "{\"sub\":\"\xc3\xa9l\xc3\xa8ve \xf0\x9f\x94\x91\","
                             "\"exp\":1700000600}"),
                    Errc::ok);
}

std::string nested(std::size_t depth, char open, char close, std::string_view inner = "1") {
    std::string out;
    for (std::size_t i = 0; i < depth; ++i) {
        out.push_back(open);
        if (open == '{') out += R"("a":)";
    }
    out += inner;
    out.append(depth, close);
    return out;
}

// RFC 8259 §9 (parsers may limit nesting) and RFC 7515 §10 on denial of service: 1000 levels
// of arrays or objects stop at the depth limit, fast, on every route that parses JSON; a
// million levels do too, without exhausting the stack.
TEST(DeepNesting, ThousandLevelsRejectedQuicklyWithJsonTooDeep) {
    for (const char open : {'[', '{'}) {
        const char close = open == '[' ? ']' : '}';
        const std::string deep = nested(1000, open, close);
        const std::string header = R"({"alg":"HS256","x":)" + deep + "}";
        const std::string payload = R"({"sub":"alice","x":)" + deep + "}";
        const std::string deep_header = hs_token(header, valid_claims());
        const std::string deep_payload = hs_token(kHeader, payload);
        EXPECT_VERIFIER(hs_verifier(), deep_header, Errc::json_too_deep);
        EXPECT_VERIFIER(hs_verifier(), deep_payload, Errc::json_too_deep);
        EXPECT_JWS(deep_header, hs_keys(), jws_options({Algorithm::HS256}), Errc::json_too_deep);
        EXPECT_EQ(decode_without_verification(deep_payload).code(), Errc::json_too_deep);
        EXPECT_EQ(Claims::parse(payload).code(), Errc::json_too_deep);
        EXPECT_EQ(Jwk::parse(R"({"kty":"oct","k":"AAAA","x":)" + deep + "}").code(),
                  Errc::json_too_deep);
        EXPECT_EQ(KeySet::parse(R"({"keys":)" + nested(1000, '[', ']', "{}") + "}").code(),
                  Errc::json_too_deep);
        JwsVerifyOptions json_options = jws_options({Algorithm::HS256});
        EXPECT_EQ(jws::verify_json(R"({"payload":"e30","x":)" + deep + "}", hs_keys(), json_options)
                      .code(),
                  Errc::json_too_deep);
        JweDecryptOptions jwe_options;
        jwe_options.algorithms = {KeyManagement::dir};
        EXPECT_EQ(jwe::decrypt(b64(R"({"alg":"dir","enc":"A128GCM","x":)" + deep + "}") + "....",
                               KeySet{}, jwe_options)
                      .code(),
                  Errc::json_too_deep);
        EXPECT_EQ(jwe::decrypt_json(R"({"ciphertext":"","x":)" + deep + "}", KeySet{}, jwe_options)
                      .code(),
                  Errc::json_too_deep);

        // Quickly: the median of repeated calls, robust to a preempted run on a shared machine.
        const double verify = median_seconds(21, [&] { (void)hs_verifier().verify(deep_payload); });
        const double parse = median_seconds(21, [&] { (void)Claims::parse(payload); });
        EXPECT_LT(verify, 0.005);
        EXPECT_LT(parse, 0.005);
    }
    // A million levels: the parser stops at the limit instead of recursing through them.
    const std::string huge = nested(1'000'000, '[', ']');
    const std::string text = R"({"x":)" + huge + "}";
    Result<Claims> r = Claims();
    const double elapsed = seconds_of([&] { r = Claims::parse(text); });
    EXPECT_EQ(r.code(), Errc::json_too_deep);
    EXPECT_LT(elapsed, 1.0);
}

// A header of about `size` decoded bytes made of as many members as fit, all names sharing
// their first eight bytes ("aaaaaaaa00001", ...), or (many = false) of one long string member.
// Both go through the full parser (the escape keeps the single string off the fast path), so
// they differ only in the number of members.
std::string wide_header(std::size_t size, bool many) {
    std::string header = R"({"alg":"HS256")";
    if (!many) {
        return header + R"(,"x":"\u0061)" + std::string(size - header.size() - 14, 'a') + "\"}";
    }
    for (std::size_t i = 0;; ++i) {
        std::string member = std::to_string(100000 + i);
        member = R"(,"aaaaaaaa)" + member.substr(1) + R"(":0)";
        if (header.size() + member.size() + 1 > size) break;
        header += member;
    }
    return header + "}";
}

// CWE-407 (inefficient algorithmic complexity), RFC 7515 §10 and RFC 8725 §3.4: the header is
// parsed before the signature is checked, so anyone can send one. Within the default 64 KiB
// token limit, a header of ~2700 members must cost about what a header of the same size with
// one member costs (linear work), not a multiple that grows with the square of the member
// count: duplicate-name detection by pairwise comparison turns 64 KiB into tens of millions of
// name comparisons. Compared as a ratio of medians, so the machine's speed cancels out.
TEST(ManyMembers, HeaderCostIsLinearInTheNumberOfMembers) {
    const std::size_t size = (kDefaultMaxTokenSize - 256) / 4 * 3;
    const std::string many = hs_token(wide_header(size, true), "{}");
    const std::string one = hs_token(wide_header(size, false), "{}");
    ASSERT_LE(many.size(), kDefaultMaxTokenSize);
    ASSERT_LE(one.size(), kDefaultMaxTokenSize);
    const std::string many_header = unb64(split_dots(many)[0]);
    ASSERT_GT(std::count(many_header.begin(), many_header.end(), ','), 2000);
    // By default a header of more than kDefaultMaxHeaderMembers members is refused outright.
    EXPECT_VERIFIER(hs_verifier(), many, Errc::bad_header);
    // With the member limit lifted, the parse itself must still be linear. Controls: both are
    // then valid tokens (unknown header members are ignored).
    VerifierOptions unlimited = verifier_options({hs()});
    unlimited.limits.max_header_members = std::numeric_limits<std::size_t>::max();
    const Verifier wide = make_verifier(unlimited);
    EXPECT_VERIFIER(wide, many, Errc::ok);
    EXPECT_VERIFIER(wide, one, Errc::ok);
    const double t_many = median_seconds(9, [&] { (void)wide.verify(many); });
    const double t_one = median_seconds(9, [&] { (void)wide.verify(one); });
    std::printf("[ members  ] %zu-byte header: many members %.3f ms, one member %.3f ms\n",
                many_header.size(), 1e3 * t_many, 1e3 * t_one);
    EXPECT_LT(t_many, 20 * t_one) << "a wide header costs " << t_many / t_one
                                  << " times a header of the same size with one member";
}

// RFC 7515 §10 and RFC 8725 §3.4 (validate inputs before spending work on them): a token over
// the size limit is refused before any decoding or parsing. The input here is not even
// base64url and holds a million-level nesting bomb in its "header", yet the answer is
// token_too_large, fast, and without a copy of the input being made.
TEST(OversizedToken, MultiMegabyteTokenRejectedBeforeParsing) {
    constexpr std::size_t kSize = 4 * 1024 * 1024;
    std::string garbage(kSize, '\xff');
    garbage[kSize / 3] = '.';
    garbage[2 * kSize / 3] = '.';
    std::string bomb = b64(std::string(kSize, '['));  // base64url of a nesting bomb, then 2 dots
    bomb += ".e30.";
    std::string five = garbage;
    five[kSize / 5] = '.';
    five[4 * kSize / 5] = '.';

    VerifierOptions nested_options = verifier_options({hs()});
    nested_options.decryption_keys = key_set({Jwk::generate(KeyManagement::dir,
                                                            [] {
                                                                KeyGenOptions o;
                                                                o.enc = ContentEncryption::A128GCM;
                                                                return o;
                                                            }())
                                                  .value()});
    const Verifier nested_verifier = make_verifier(nested_options);
    JweDecryptOptions jwe_options;
    jwe_options.algorithms = {KeyManagement::dir};

    for (const std::string* token : {&garbage, &bomb, &five}) {
        EXPECT_VERIFIER(hs_verifier(), *token, Errc::token_too_large);
        EXPECT_VERIFIER(nested_verifier, *token, Errc::token_too_large);
        EXPECT_JWS(*token, hs_keys(), jws_options({Algorithm::HS256}), Errc::token_too_large);
        EXPECT_EQ(CompactJws::parse(*token).code(), Errc::token_too_large);
        EXPECT_EQ(decode_without_verification(*token).code(), Errc::token_too_large);
        EXPECT_EQ(unsafe::verify_unsecured_jws(*token).code(), Errc::token_too_large);
        EXPECT_EQ(jwe::decrypt(*token, KeySet{}, jwe_options).code(), Errc::token_too_large);
        EXPECT_EQ(jws::verify_json(*token, hs_keys(), jws_options({Algorithm::HS256})).code(),
                  Errc::token_too_large);
        EXPECT_EQ(jwe::decrypt_json(*token, KeySet{}, jwe_options).code(), Errc::token_too_large);

        // Without parsing: no allocation anywhere near the size of the input.
        AllocationStats stats;
        {
            AllocationScope scope;
            (void)hs_verifier().verify(*token);
            (void)nested_verifier.verify(*token);
            (void)jws::verify(*token, hs_keys(), jws_options({Algorithm::HS256}));
            (void)jwe::decrypt(*token, KeySet{}, jwe_options);
            stats = scope.stats();
        }
        EXPECT_LT(stats.largest, 4096u) << "largest allocation while refusing a 4 MiB token";
        EXPECT_LT(stats.total, 16384u);

        // In well under a second: the median of repeated calls, and the worst of them.
        double worst = 0;
        const double median = median_seconds(11, [&] {
            worst = std::max(worst, seconds_of([&] { (void)hs_verifier().verify(*token); }));
        });
        EXPECT_LT(median, 0.01);
        EXPECT_LT(worst, 0.5);
    }

    // The limit is a boundary, not an estimate: a valid token of exactly the limit passes.
    const std::string good = hs_token(kHeader, valid_claims());
    VerifierOptions exact = verifier_options({hs()});
    exact.limits.max_token_size = good.size();
    EXPECT_VERIFIER(make_verifier(exact), good, Errc::ok);
    exact.limits.max_token_size = good.size() - 1;
    EXPECT_VERIFIER(make_verifier(exact), good, Errc::token_too_large);
}

}  // namespace
}  // namespace signet::security
