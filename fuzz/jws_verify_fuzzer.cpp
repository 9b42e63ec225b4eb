// Fuzz target for compact JWT verification (RFC 7515 §5.2, RFC 7519 §7.2, RFC 8725): a Verifier
// for HS256 keys (which also decrypts nested JWTs for a "dir" key) and one for ES256 and EdDSA
// keys, both with "iss" and "aud" rules, on arbitrary bytes. Invariants: verify and
// verify_with_header (the flat fast path and the strict header path) agree; a token that verifies
// decodes with decode_without_verification to the same header and claims, and its claims pass
// validate_claims. Each input is also re-signed with the key its "alg" names, so that mutated
// headers and claims get past the signature: such a token never fails with bad_signature, and
// wrapped in a JWE ("cty": "JWT") it gets the same verdict.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "signet/jwe.hpp"
#include "signet/jws.hpp"
#include "signet/jwt.hpp"
#include "signet/signature.hpp"

namespace {

namespace json = boost::json;
using namespace signet;
using namespace signet::fuzz;
using namespace std::chrono_literals;

const std::chrono::system_clock::time_point kNow{std::chrono::seconds(kFuzzNow)};

struct Setup {
    Jwk hs = must_parse_key(keys::kHs256);
    Jwk es = must_parse_key(keys::kEs256);
    Jwk ed = must_parse_key(keys::kEd25519);
    Jwk dir = must_parse_key(keys::kDirA128Gcm);
    std::optional<Verifier> symmetric, asymmetric;
};

Verifier make_verifier(VerifierOptions o) {
    o.issuers = {"joe"};
    o.audiences = {"signet-fuzz"};
    o.leeway = 60s;
    o.clock = [] { return kNow; };
    auto v = Verifier::create(std::move(o));
    if (!v) {
        std::fprintf(stderr, "fuzz setup: %s\n", v.error().to_string().c_str());
        std::abort();
    }
    return std::move(*v);
}

const Setup& setup() {
    static const Setup s = [] {
        Setup x;
        VerifierOptions sym;
        sym.keys = must_make_set({x.hs});
        sym.algorithms = {Algorithm::HS256, Algorithm::HS384, Algorithm::HS512};
        sym.decryption_keys = must_make_set({x.dir});
        sym.decryption.algorithms = {KeyManagement::dir};
        sym.decryption.limits.max_token_size = 1 << 20;  // the inner token has its own limit
        x.symmetric.emplace(make_verifier(std::move(sym)));
        VerifierOptions asym;
        asym.keys = must_make_set({x.es, x.ed});
        // ES384 and RS256 have no key here: they exercise key selection failures.
        asym.algorithms = {Algorithm::ES256, Algorithm::ES384, Algorithm::EdDSA, Algorithm::RS256};
        x.asymmetric.emplace(make_verifier(std::move(asym)));
        return x;
    }();
    return s;
}

std::size_t dots(std::string_view token) {
    return static_cast<std::size_t>(std::count(token.begin(), token.end(), '.'));
}

// The invariants every token must satisfy, whatever it holds.
void check_token(const Setup& s, std::string_view token) {
    const auto decoded = decode_without_verification(token);
    check_error(decoded);
    const auto compact = CompactJws::parse(token);
    check_error(compact);
    if (decoded) {
        FUZZ_CHECK_MSG(all_finite(decoded->header) && all_finite(decoded->payload),
                       "a decoded token holds a non-finite number");
        FUZZ_CHECK(compact.ok());
        FUZZ_CHECK(same_json(compact->header(), decoded->header));
    }
    if (compact) check_error(compact->payload());

    for (const Verifier* v : {&*s.symmetric, &*s.asymmetric}) {
        auto claims = v->verify(token);
        check_error(claims);
        auto full = v->verify_with_header(token);
        check_error(full);
        FUZZ_CHECK_MSG(claims.code() == full.code(),
                       "verify: " + std::string(to_string(claims.code())) +
                           ", verify_with_header: " + std::string(to_string(full.code())));
        if (!claims) continue;
        // A NaN "exp" compares false with everything: such a token would never expire.
        FUZZ_CHECK_MSG(all_finite(claims->json()),
                       "verified claims hold a non-finite number: " + claims->to_json_string());
        FUZZ_CHECK(same_json(claims->json(), full->claims.json()));
        FUZZ_CHECK(validate_claims(*claims, v->options(), kNow).ok());
        const json::value* alg = full->header.if_contains("alg");
        FUZZ_CHECK(alg != nullptr && alg->is_string());
        const auto parsed = parse_algorithm(alg->get_string());
        FUZZ_CHECK(parsed.has_value());
        FUZZ_CHECK(std::find(v->options().algorithms.begin(), v->options().algorithms.end(),
                             *parsed) != v->options().algorithms.end());
        if (dots(token) == 2) {
            // A token that verifies must decode, to the same header and claims.
            FUZZ_CHECK(decoded.ok());
            FUZZ_CHECK(same_json(decoded->payload, claims->json()));
            FUZZ_CHECK(same_json(decoded->header, full->header));
        }
    }
}

// RFC 7519 §5.2 nesting: the same compact JWS inside a JWE for the symmetric verifier's
// decryption key must get the verdict the bare JWS gets.
void check_nested(const Setup& s, std::string_view token) {
    if (dots(token) != 2) return;
    JweEncryptOptions options;
    options.header["cty"] = "JWT";
    auto nested =
        jwe::encrypt(token, s.dir, KeyManagement::dir, ContentEncryption::A128GCM, options);
    FUZZ_CHECK(nested.ok());
    auto bare = s.symmetric->verify(token);
    auto wrapped = s.symmetric->verify(*nested);
    check_error(wrapped);
    FUZZ_CHECK_MSG(bare.code() == wrapped.code(),
                   "bare: " + std::string(to_string(bare.code())) +
                       ", nested: " + std::string(to_string(wrapped.code())));
    if (bare) FUZZ_CHECK(same_json(bare->json(), wrapped->json()));
}

void check_resigned(const Setup& s, std::string_view token) {
    auto jws = CompactJws::parse(token);
    if (!jws) return;
    const auto alg = parse_algorithm(jws->alg_name());
    if (!alg) return;
    const Jwk* key = nullptr;
    const Verifier* verifier = nullptr;
    if (is_hmac(*alg)) {
        key = &s.hs, verifier = &*s.symmetric;
    } else if (*alg == Algorithm::ES256) {
        key = &s.es, verifier = &*s.asymmetric;
    } else if (*alg == Algorithm::EdDSA) {
        key = &s.ed, verifier = &*s.asymmetric;
    } else {
        return;
    }
    auto sig = sign_bytes(*alg, *key, jws->signing_input());
    FUZZ_CHECK_MSG(sig.ok(), sig.error().to_string());
    std::string resigned(jws->signing_input());
    resigned.push_back('.');
    base64url_encode_append(*sig, resigned);
    check_token(s, resigned);
    auto result = verifier->verify(resigned);
    // The signature is right: whatever else is wrong with the token, it is not the signature.
    FUZZ_CHECK_MSG(result.code() != Errc::bad_signature, result.error().to_string());
    if (verifier == &*s.symmetric) check_nested(s, resigned);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Setup& s = setup();
    const std::string_view token = as_text(data, size);
    check_token(s, token);
    check_nested(s, token);
    check_resigned(s, token);
    return 0;
}
