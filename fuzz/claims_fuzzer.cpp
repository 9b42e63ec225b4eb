// Fuzz target for JWT claims sets (RFC 7519 §4) and their validation (§7.2 step 10, RFC 8725):
// Claims::parse and validate_claims at a fixed time under a strict and a lax policy. A claims set
// that validates must satisfy every rule of the policy when re-checked through the typed getters,
// and a Verifier given the same bytes as the payload of a correctly signed token must reach the
// same verdict (it parses claims through the flat fast path first).
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "signet/claims.hpp"
#include "signet/jwt.hpp"
#include "signet/signature.hpp"

namespace {

namespace json = boost::json;
using namespace signet;
using namespace signet::fuzz;
using namespace std::chrono_literals;

const std::chrono::system_clock::time_point kNow{std::chrono::seconds(kFuzzNow)};

struct Policy {
    VerifierOptions options;
    std::optional<Verifier> verifier;
};

struct Setup {
    Jwk key = must_parse_key(keys::kHs256);
    std::string header_b64 = base64url_encode(R"({"alg":"HS256","typ":"JWT"})");
    Policy strict, lax;
};

VerifierOptions base_options(const Jwk& key) {
    VerifierOptions o;
    o.keys = must_make_set({key});
    o.algorithms = {Algorithm::HS256};
    o.clock = [] { return kNow; };
    o.limits.max_token_size = 1 << 20;  // the payload, not the token size, is under test here
    return o;
}

void make_verifier(Policy& p) {
    auto v = Verifier::create(p.options);
    if (!v) {
        std::fprintf(stderr, "fuzz setup: %s\n", v.error().to_string().c_str());
        std::abort();
    }
    p.verifier.emplace(std::move(*v));
}

const Setup& setup() {
    static const Setup s = [] {
        Setup x;
        x.strict.options = base_options(x.key);
        x.strict.options.issuers = {"joe", "https://issuer.example"};
        x.strict.options.audiences = {"signet-fuzz", "https://api.example"};
        x.strict.options.required_claims = {"sub"};
        x.strict.options.leeway = 30s;
        x.strict.options.max_age = 3600s;
        make_verifier(x.strict);
        x.lax.options = base_options(x.key);
        make_verifier(x.lax);
        return x;
    }();
    return s;
}

std::string sign_payload(const Setup& s, std::string_view payload) {
    std::string token = s.header_b64 + ".";
    base64url_encode_append(payload, token);
    auto sig = sign_bytes(Algorithm::HS256, s.key, token);
    FUZZ_CHECK(sig.ok());
    token.push_back('.');
    base64url_encode_append(*sig, token);
    return token;
}

// Equal up to the last bits of doubles: Boost.JSON 1.81's default number parser is not
// correctly rounded, so a double may come back one unit in the last place away.
bool same_json_modulo_rounding(const json::value& a, const json::value& b) {
    if (a.is_double() && b.is_double()) {
        const double x = a.get_double(), y = b.get_double();
        return x == y || std::fabs(x - y) <= 4 * std::numeric_limits<double>::epsilon() *
                                                 std::fmax(std::fabs(x), std::fabs(y));
    }
    if (a.kind() != b.kind()) return false;
    if (a.is_object()) {
        const auto& x = a.get_object();
        const auto& y = b.get_object();
        if (x.size() != y.size()) return false;
        for (auto i = x.begin(), j = y.begin(); i != x.end(); ++i, ++j) {
            if (i->key() != j->key() || !same_json_modulo_rounding(i->value(), j->value()))
                return false;
        }
        return true;
    }
    if (a.is_array()) {
        const auto& x = a.get_array();
        const auto& y = b.get_array();
        if (x.size() != y.size()) return false;
        for (std::size_t k = 0; k < x.size(); ++k) {
            if (!same_json_modulo_rounding(x[k], y[k])) return false;
        }
        return true;
    }
    return a == b;
}

// The typed getters agree with the JSON they read.
void check_getters(const Claims& c) {
    for (std::string_view name : {"exp", "nbf", "iat"}) {
        const auto number = c.get_number(name);
        const auto date = c.get_numeric_date(name);
        if (date) {
            FUZZ_CHECK(number.has_value());
            FUZZ_CHECK(static_cast<double>(date->time_since_epoch().count()) ==
                       std::floor(*number));
        } else if (number) {
            FUZZ_CHECK(!std::isfinite(*number) || std::fabs(*number) > 9007199254740992.0);
        }
        if (const auto i = c.get_int(name)) {
            FUZZ_CHECK(number.has_value() && *number == static_cast<double>(*i));
        }
    }
    const auto strings = c.get_strings("aud");
    const auto audience = c.audience();
    FUZZ_CHECK(strings ? *strings == audience : audience.empty());
    for (std::string_view name : {"iss", "sub", "jti"}) {
        const json::value* v = c.find(name);
        FUZZ_CHECK(c.get_string(name).has_value() == (v != nullptr && v->is_string()));
    }
}

// A claims set that validated satisfies each rule of the policy (RFC 7519 §4.1).
void check_accepted(const Claims& c, const VerifierOptions& o) {
    const double now = static_cast<double>(kFuzzNow);
    const double leeway = static_cast<double>(o.leeway.count());
    for (std::string_view name : {"exp", "nbf", "iat"}) {
        FUZZ_CHECK(!c.contains(name) || c.get_number(name).has_value());
    }
    if (const auto exp = c.get_number("exp")) FUZZ_CHECK(now < *exp + leeway);
    if (const auto nbf = c.get_number("nbf")) FUZZ_CHECK(now + leeway >= *nbf);
    for (std::string_view name : {"iss", "sub", "jti"}) {
        FUZZ_CHECK(!c.contains(name) || c.get_string(name).has_value());
    }
    FUZZ_CHECK(!c.contains("aud") || c.get_strings("aud").has_value());
    if (!o.issuers.empty()) {
        const auto iss = c.issuer();
        FUZZ_CHECK(iss.has_value());
        bool listed = false;
        for (const auto& accepted : o.issuers)
            listed = listed || accepted == *iss;
        FUZZ_CHECK(listed);
    }
    if (!o.audiences.empty()) {
        bool match = false;
        for (std::string_view aud : c.audience()) {
            for (const auto& accepted : o.audiences)
                match = match || accepted == aud;
        }
        FUZZ_CHECK(match);
    }
    for (const auto& name : o.required_claims)
        FUZZ_CHECK(c.contains(name));
    if (o.max_age) {
        const auto iat = c.get_number("iat");
        FUZZ_CHECK(iat.has_value());
        FUZZ_CHECK(*iat <= now + leeway);
        FUZZ_CHECK(now - *iat <= static_cast<double>(o.max_age->count()) + leeway);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Setup& s = setup();
    const std::string_view text = as_text(data, size);

    auto claims = Claims::parse(text);
    check_error(claims);
    if (claims) {
        FUZZ_CHECK_MSG(all_finite(claims->json()),
                       "the claims hold a non-finite number: " + claims->to_json_string());
        check_getters(*claims);
        auto again = Claims::parse(claims->to_json_string());
        FUZZ_CHECK_MSG(again.ok(), again.error().to_string());
        FUZZ_CHECK(
            same_json_modulo_rounding(json::value(claims->json()), json::value(again->json())));
    }

    const std::string token = sign_payload(s, text);
    for (const Policy* p : {&s.strict, &s.lax}) {
        Errc expected = claims.code();
        if (claims) {
            auto direct = validate_claims(*claims, p->options, kNow);
            check_error(direct);
            expected = direct.code();
            if (direct) check_accepted(*claims, p->options);
        }
        auto verified = p->verifier->verify(token);
        check_error(verified);
        FUZZ_CHECK_MSG(verified.code() == expected,
                       std::string(to_string(verified.code())) + " from the verifier, " +
                           std::string(to_string(expected)) + " from parse and validate_claims");
        if (verified) FUZZ_CHECK(same_json(verified->json(), claims->json()));
    }
    return 0;
}
