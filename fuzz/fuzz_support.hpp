// Shared pieces of the libFuzzer targets: invariant checks that abort with a message (libFuzzer
// then keeps the input as a crash artefact), fixed keys from the RFC and cookbook examples, and a
// JSON comparison that also compares number kinds and member order.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "signet/algorithm.hpp"
#include "signet/base64url.hpp"
#include "signet/error.hpp"
#include "signet/jwk.hpp"
#include "signet/jwks.hpp"

namespace signet::fuzz {

[[noreturn]] inline void invariant_failed(const char* what, const char* detail, const char* file,
                                          int line) {
    std::fprintf(stderr, "\n*** invariant violated at %s:%d: %s%s%s\n", file, line, what,
                 detail[0] != '\0' ? " -- " : "", detail);
    std::abort();
}

// FUZZ_CHECK(condition) and FUZZ_CHECK_MSG(condition, std::string detail): abort when false.
#define FUZZ_CHECK(cond)                                                              \
    do {                                                                              \
        if (!(cond)) ::signet::fuzz::invariant_failed(#cond, "", __FILE__, __LINE__); \
    } while (0)
#define FUZZ_CHECK_MSG(cond, detail)                                                       \
    do {                                                                                   \
        if (!(cond))                                                                       \
            ::signet::fuzz::invariant_failed(#cond, std::string(detail).c_str(), __FILE__, \
                                             __LINE__);                                    \
    } while (0)

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// Errors are values with names: a failure carries a code other than ok, a stable snake_case name
// and a message.
template <class R>
void check_error(const R& result) {
    if (result.ok()) return;
    FUZZ_CHECK(result.code() != Errc::ok);
    const std::string_view name = to_string(result.code());
    FUZZ_CHECK(!name.empty() && name != "unknown" && name != "ok");
    FUZZ_CHECK(!result.error().message().empty());
}

// Equal values of equal kinds (an int64 1 is not a uint64 1 or a double 1.0 here), objects with
// their members in the same order: what the strict parser and the fast path must agree on.
inline bool same_json(const boost::json::value& a, const boost::json::value& b);

inline bool same_json(const boost::json::object& a, const boost::json::object& b) {
    if (a.size() != b.size()) return false;
    auto i = a.begin();
    auto j = b.begin();
    for (; i != a.end(); ++i, ++j) {
        if (i->key() != j->key() || !same_json(i->value(), j->value())) return false;
    }
    return true;
}

inline bool same_json(const boost::json::value& a, const boost::json::value& b) {
    if (a.kind() != b.kind()) return false;
    switch (a.kind()) {
        case boost::json::kind::object: return same_json(a.get_object(), b.get_object());
        case boost::json::kind::array: {
            const auto& x = a.get_array();
            const auto& y = b.get_array();
            if (x.size() != y.size()) return false;
            for (std::size_t k = 0; k < x.size(); ++k) {
                if (!same_json(x[k], y[k])) return false;
            }
            return true;
        }
        case boost::json::kind::double_: {
            // Both NaN counts as the same value here; all_finite() is the check that flags NaN.
            const double x = a.get_double(), y = b.get_double();
            return x == y || (std::isnan(x) && std::isnan(y));
        }
        default: return a == b;
    }
}

// Every number is finite: JSON (RFC 8259 §6) has no way to write Infinity or NaN back.
inline bool all_finite(const boost::json::value& v) {
    if (v.is_double()) return std::isfinite(v.get_double());
    if (v.is_object()) {
        for (const auto& m : v.get_object()) {
            if (!all_finite(m.value())) return false;
        }
    }
    if (v.is_array()) {
        for (const auto& e : v.get_array()) {
            if (!all_finite(e)) return false;
        }
    }
    return true;
}

inline bool all_finite(const boost::json::object& o) {
    for (const auto& m : o) {
        if (!all_finite(m.value())) return false;
    }
    return true;
}

// A key the target cannot run without: a parse failure is a broken build, not a finding.
inline Jwk must_parse_key(std::string_view json) {
    auto key = Jwk::parse(json);
    if (!key) {
        std::fprintf(stderr, "fuzz setup: bad key: %s\n", key.error().to_string().c_str());
        std::abort();
    }
    return *key;
}

inline KeySet must_make_set(std::vector<Jwk> keys) {
    auto set = KeySet::from_keys(std::move(keys));
    if (!set) {
        std::fprintf(stderr, "fuzz setup: bad key set: %s\n", set.error().to_string().c_str());
        std::abort();
    }
    return *set;
}

// The fixed clock of the targets that validate claims: 2011-03-22T18:36:40Z, shortly before the
// "exp" of the RFC 7515 Appendix A tokens (1300819380).
inline constexpr std::int64_t kFuzzNow = 1300819000;

namespace keys {

// RFC 7515 Appendix A.1 (HS256), with a "kid".
inline constexpr std::string_view kHs256 =
    R"({"kty":"oct","kid":"hs256",)"
    R"("k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"})";

// RFC 7520 §4.4 (HS256, bound to its algorithm and to signing).
inline constexpr std::string_view kHs256Cookbook =
    R"({"kty":"oct","kid":"018c0ae5-4d9b-471b-bfd6-eef314bc7037","use":"sig","alg":"HS256",)"
    R"("k":"hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg"})";

// RFC 7515 Appendix A.3 (ES256, P-256), with the "kid" of Appendix A.7.
inline constexpr std::string_view kEs256 =
    R"({"kty":"EC","kid":"e9bc097a-ce51-4036-9562-d2ade882db0d","crv":"P-256",)"
    R"("x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",)"
    R"("y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",)"
    R"("d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"})";

// RFC 8037 Appendix A.1 (Ed25519).
inline constexpr std::string_view kEd25519 =
    R"({"kty":"OKP","kid":"ed25519","crv":"Ed25519",)"
    R"("x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",)"
    R"("d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"})";

// RFC 7515 Appendix A.2 (RS256, 2048 bits), with the "kid" of Appendix A.6.
inline constexpr std::string_view kRs256 =
    R"({"kty":"RSA","kid":"2010-12-29",)"
    R"("n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ",)"
    R"("e":"AQAB",)"
    R"("d":"Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ",)"
    R"("p":"4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdiYrqBdss1l58BQ3KhooKeQTa9AB0Hw_Py5PJdTJNPY8cQn7ouZ2KKDcmnPGBY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDwGUc",)"
    R"("q":"uQPEfgmVtjL0Uyyx88GZFF1fOunH3-7cepKmtH4pxhtCoHqpWmT8YAmZxaewHgHAjLYsp1ZSe7zFYHj7C6ul7TjeLQeZD_YwD66t62wDmpe_HlB-TnBA-njbglfIsRLtXlnDzQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdc",)"
    R"("dp":"BwKfV3Akq5_MFZDFZCnW-wzl-CCo83WoZvnLQwCTeDv8uzluRSnm71I3QCLdhrqE2e9YkxvuxdBfpT_PI7Yz-FOKnu1R6HsJeDCjn12Sk3vmAktV2zb34MCdy7cpdTh_YVr7tss2u6vneTwrA86rZtu5Mbr1C1XsmvkxHQAdYo0",)"
    R"("dq":"h_96-mK1R_7glhsum81dZxjTnYynPbZpHziZjeeHcXYsXaaMwkOlODsWa7I9xXDoRwbKgB719rrmI2oKr6N3Do9U0ajaHF-NKJnwgjMd2w9cjz3_-kyNlxAr2v4IKhGNpmM5iIgOS1VZnOZ68m6_pbLBSp3nssTdlqvd0tIiTHU",)"
    R"("qi":"IYd7DHOhrWvxkwPQsRM2tOgrjbcrfvtQJipd-DlcxyVuuM9sQLdgjVk2oy26F0EmpScGLq2MowX7fhd_QJQ3ydy5cY7YIBi87w93IKLEdfnbJtoOPLUW0ITrJReOgo1cq9SbsxYawBgfp_gh6A5603k2-ZQwVK0JKSHuLFkuQ3U"})";

// RFC 7520 §5.6 ("dir" with A128GCM).
inline constexpr std::string_view kDirA128Gcm =
    R"({"kty":"oct","kid":"77c7e2b8-6e13-45cf-8672-617b5b45243a","use":"enc","alg":"A128GCM",)"
    R"("k":"XctOhJAkA-pD9Lh7ZgW_2A"})";

// RFC 7520 §5.8 (A128KW).
inline constexpr std::string_view kA128Kw =
    R"({"kty":"oct","kid":"81b20965-8332-43d9-a468-82160ad91ac8","use":"enc","alg":"A128KW",)"
    R"("k":"GZy6sIZ6wl9NJOKB-jnmVQ"})";

// RFC 7520 §5.7 (A256GCMKW).
inline constexpr std::string_view kA256GcmKw =
    R"({"kty":"oct","kid":"18ec08e1-bfa9-4d95-b205-2b4dd1d4321d","use":"enc","alg":"A256GCMKW",)"
    R"("k":"qC57l_uxcm7Nm3K-ct4GFjx8tM1U8CZ0NLBvdQstiS8"})";

// RFC 7520 §5.3: the password "entrap_o–peter_long–credit_tun", usable with every PBES2 variant.
inline constexpr std::string_view kPbes2Password =
    R"({"kty":"oct","kid":"pbes2","use":"enc","k":"ZW50cmFwX2_igJNwZXRlcl9sb25n4oCTY3JlZGl0X3R1bg"})";

// RFC 7520 §5.5 (ECDH-ES, P-256).
inline constexpr std::string_view kEcdhP256 =
    R"({"kty":"EC","kid":"meriadoc.brandybuck@buckland.example","use":"enc","crv":"P-256",)"
    R"("x":"Ze2loSV3wrroKUN_4zhwGhCqo3Xhu1td4QjeQ5wIVR0",)"
    R"("y":"HlLtdXARY_f55A3fnzQbPcm6hgr34Mp8p-nuzQCE0Zw",)"
    R"("d":"r_kHyZ-a06rmxM3yESK84r1otSg-aQcVStkRhA-iCM8"})";

// RFC 7520 §5.4 (ECDH-ES+A128KW, P-384).
inline constexpr std::string_view kEcdhP384 =
    R"({"kty":"EC","kid":"peregrin.took@tuckborough.example","use":"enc","crv":"P-384",)"
    R"("x":"YU4rRUzdmVqmRtWOs2OpDE_T5fsNIodcG8G5FWPrTPMyxpzsSOGaQLpe2FpxBmu2",)"
    R"("y":"A8-yxCHxkfBz3hKZfI1jUYMjUhsEveZ9THuwFjH2sCNdtksRJU7D5-SkgaFL1ETP",)"
    R"("d":"iTx2pk7wW-GqJkHcEkFQb2EFyYcO7RugmaW3mRrQVAOUiPommT0IdnYK2xDlZh-j"})";

// RFC 8037 Appendix A.6 (ECDH-ES, X25519), as the cookbook's curve25519 vector names it.
inline constexpr std::string_view kEcdhX25519 =
    R"({"kty":"OKP","kid":"Bob","use":"enc","crv":"X25519",)"
    R"("x":"3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08",)"
    R"("d":"XasIfmJKikt54X-Lg4AO5m87sSkmGLb9HC-LJ_-I4Os"})";

// RFC 7520 §5.2 (4096-bit RSA), without its "alg" so that it serves RSA-OAEP and RSA-OAEP-256.
inline constexpr std::string_view kRsaOaep =
    R"({"kty":"RSA","kid":"samwise.gamgee@hobbiton.example","use":"enc",)"
    R"("n":"wbdxI55VaanZXPY29Lg5hdmv2XhvqAhoxUkanfzf2-5zVUxa6prHRrI4pP1AhoqJRlZfYtWWd5mmHRG2pAHIlh0ySJ9wi0BioZBl1XP2e-C-FyXJGcTy0HdKQWlrfhTm42EW7Vv04r4gfao6uxjLGwfpGrZLarohiWCPnkNrg71S2CuNZSQBIPGjXfkmIy2tl_VWgGnL22GplyXj5YlBLdxXp3XeStsqo571utNfoUTU8E4qdzJ3U1DItoVkPGsMwlmmnJiwA7sXRItBCivR4M5qnZtdw-7v4WuR4779ubDuJ5nalMv2S66-RPcnFAzWSKxtBDnFJJDGIUe7Tzizjg1nms0Xq_yPub_UOlWn0ec85FCft1hACpWG8schrOBeNqHBODFskYpUc2LC5JA2TaPF2dA67dg1TTsC_FupfQ2kNGcE1LgprxKHcVWYQb86B-HozjHZcqtauBzFNV5tbTuB-TpkcvJfNcFLlH3b8mb-H_ox35FjqBSAjLKyoeqfKTpVjvXhd09knwgJf6VKq6UC418_TOljMVfFTWXUxlnfhOOnzW6HSSzD1c9WrCuVzsUMv54szidQ9wf1cYWf3g5qFDxDQKis99gcDaiCAwM3yEBIzuNeeCa5dartHDb1xEB_HcHSeYbghbMjGfasvKn0aZRsnTyC0xhWBlsolZE",)"
    R"("e":"AQAB",)"
    R"("d":"n7fzJc3_WG59VEOBTkayzuSMM780OJQuZjN_KbH8lOZG25ZoA7T4Bxcc0xQn5oZE5uSCIwg91oCt0JvxPcpmqzaJZg1nirjcWZ-oBtVk7gCAWq-B3qhfF3izlbkosrzjHajIcY33HBhsy4_WerrXg4MDNE4HYojy68TcxT2LYQRxUOCf5TtJXvM8olexlSGtVnQnDRutxEUCwiewfmmrfveEogLx9EA-KMgAjTiISXxqIXQhWUQX1G7v_mV_Hr2YuImYcNcHkRvp9E7ook0876DhkO8v4UOZLwA1OlUX98mkoqwc58A_Y2lBYbVx1_s5lpPsEqbbH-nqIjh1fL0gdNfihLxnclWtW7pCztLnImZAyeCWAG7ZIfv-Rn9fLIv9jZ6r7r-MSH9sqbuziHN2grGjD_jfRluMHa0l84fFKl6bcqN1JWxPVhzNZo01yDF-1LiQnqUYSepPf6X3a2SOdkqBRiquE6EvLuSYIDpJq3jDIsgoL8Mo1LoomgiJxUwL_GWEOGu28gplyzm-9Q0U0nyhEf1uhSR8aJAQWAiFImWH5W_IQT9I7-yrindr_2fWQ_i1UgMsGzA7aOGzZfPljRy6z-tY_KuBG00-28S_aWvjyUc-Alp8AUyKjBZ-7CWH32fGWK48j1t-zomrwjL_mnhsPbGs0c9WsWgRzI-K8gE",)"
    R"("p":"7_2v3OQZzlPFcHyYfLABQ3XP85Es4hCdwCkbDeltaUXgVy9l9etKghvM4hRkOvbb01kYVuLFmxIkCDtpi-zLCYAdXKrAK3PtSbtzld_XZ9nlsYa_QZWpXB_IrtFjVfdKUdMz94pHUhFGFj7nr6NNxfpiHSHWFE1zD_AC3mY46J961Y2LRnreVwAGNw53p07Db8yD_92pDa97vqcZOdgtybH9q6uma-RFNhO1AoiJhYZj69hjmMRXx-x56HO9cnXNbmzNSCFCKnQmn4GQLmRj9sfbZRqL94bbtE4_e0Zrpo8RNo8vxRLqQNwIy85fc6BRgBJomt8QdQvIgPgWCv5HoQ",)"
    R"("q":"zqOHk1P6WN_rHuM7ZF1cXH0x6RuOHq67WuHiSknqQeefGBA9PWs6ZyKQCO-O6mKXtcgE8_Q_hA2kMRcKOcvHil1hqMCNSXlflM7WPRPZu2qCDcqssd_uMbP-DqYthH_EzwL9KnYoH7JQFxxmcv5An8oXUtTwk4knKjkIYGRuUwfQTus0w1NfjFAyxOOiAQ37ussIcE6C6ZSsM3n41UlbJ7TCqewzVJaPJN5cxjySPZPD3Vp01a9YgAD6a3IIaKJdIxJS1ImnfPevSJQBE79-EXe2kSwVgOzvt-gsmM29QQ8veHy4uAqca5dZzMs7hkkHtw1z0jHV90epQJJlXXnH8Q",)"
    R"("dp":"19oDkBh1AXelMIxQFm2zZTqUhAzCIr4xNIGEPNoDt1jK83_FJA-xnx5kA7-1erdHdms_Ef67HsONNv5A60JaR7w8LHnDiBGnjdaUmmuO8XAxQJ_ia5mxjxNjS6E2yD44USo2JmHvzeeNczq25elqbTPLhUpGo1IZuG72FZQ5gTjXoTXC2-xtCDEUZfaUNh4IeAipfLugbpe0JAFlFfrTDAMUFpC3iXjxqzbEanflwPvj6V9iDSgjj8SozSM0dLtxvu0LIeIQAeEgT_yXcrKGmpKdSO08kLBx8VUjkbv_3Pn20Gyu2YEuwpFlM_H1NikuxJNKFGmnAq9LcnwwT0jvoQ",)"
    R"("dq":"S6p59KrlmzGzaQYQM3o0XfHCGvfqHLYjCO557HYQf72O9kLMCfd_1VBEqeD-1jjwELKDjck8kOBl5UvohK1oDfSP1DleAy-cnmL29DqWmhgwM1ip0CCNmkmsmDSlqkUXDi6sAaZuntyukyflI-qSQ3C_BafPyFaKrt1fgdyEwYa08pESKwwWisy7KnmoUvaJ3SaHmohFS78TJ25cfc10wZ9hQNOrIChZlkiOdFCtxDqdmCqNacnhgE3bZQjGp3n83ODSz9zwJcSUvODlXBPc2AycH6Ci5yjbxt4Ppox_5pjm6xnQkiPgj01GpsUssMmBN7iHVsrE7N2iznBNCeOUIQ",)"
    R"("qi":"FZhClBMywVVjnuUud-05qd5CYU0dK79akAgy9oX6RX6I3IIIPckCciRrokxglZn-omAY5CnCe4KdrnjFOT5YUZE7G_Pg44XgCXaarLQf4hl80oPEf6-jJ5Iy6wPRx7G2e8qLxnh9cOdf-kRqgOS3F48Ucvw3ma5V6KGMwQqWFeV31XtZ8l5cVI-I3NzBS7qltpUVgz2Ju021eyc7IlqgzR98qKONl27DuEES0aK0WE97jnsyO27Yp88Wa2RiBrEocM89QZI1seJiGDizHRUP4UZxw9zsXww46wy0P6f9grnYp7t8LkyDDk8eoI4KX6SNMNVcyVS9IWjlq8EzqZEKIA"})";

}  // namespace keys
}  // namespace signet::fuzz
