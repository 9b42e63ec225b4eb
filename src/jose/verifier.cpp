// JWT verification (RFC 7519 §7.2) under RFC 8725: one pass over the token, signature before
// claims, every registered claim type-checked.
#include <boost/json/monotonic_resource.hpp>

#include <algorithm>
#include <cmath>

#include "json_strict.hpp"
#include "jws_internal.hpp"
#include "signet/base64url.hpp"
#include "signet/jwt.hpp"

namespace signet {

namespace json = boost::json;

struct Verifier::State {
    VerifierOptions options;
};

namespace {

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

// RFC 7515 §4.1.9: "typ" is a media type compared case-insensitively, "application/" omitted.
std::string_view strip_application(std::string_view t) {
    constexpr std::string_view prefix = "application/";
    if (t.size() > prefix.size() && iequals(t.substr(0, prefix.size()), prefix))
        return t.substr(prefix.size());
    return t;
}

std::optional<double> numeric(const json::value& v) {
    if (v.is_int64()) return static_cast<double>(v.get_int64());
    if (v.is_uint64()) return static_cast<double>(v.get_uint64());
    if (v.is_double()) return v.get_double();
    return std::nullopt;
}

// A NumericDate claim (RFC 7519 §2): a JSON number and nothing else.
Result<std::optional<double>> date_claim(const json::object& claims, std::string_view name) {
    const json::value* v = claims.if_contains(name);
    if (v == nullptr) return std::optional<double>();
    auto n = numeric(*v);
    if (!n)
        return Error(Errc::bad_claim_type,
                     "\"" + std::string(name) + "\" is not a NumericDate number");
    return std::optional<double>(*n);
}

Result<void> string_claim_type(const json::object& claims, std::string_view name) {
    const json::value* v = claims.if_contains(name);
    if (v != nullptr && !v->is_string()) {
        return Error(Errc::bad_claim_type, "\"" + std::string(name) + "\" is not a string");
    }
    return {};
}

}  // namespace

Result<void> validate_claims(const Claims& claims, const VerifierOptions& o,
                             std::chrono::system_clock::time_point now_tp) {
    const json::object& c = claims.json();
    const double now = static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(
                                               now_tp.time_since_epoch())
                                               .count()) /
                       1e6;
    const double leeway = static_cast<double>(o.leeway.count());

    auto exp = date_claim(c, "exp");
    if (!exp) return std::move(exp).error();
    if (*exp && now >= **exp + leeway) {  // RFC 7519 §4.1.4: now must be before exp
        return Error(Errc::expired, "the token expired");
    }
    auto nbf = date_claim(c, "nbf");
    if (!nbf) return std::move(nbf).error();
    if (*nbf && now + leeway < **nbf) {  // RFC 7519 §4.1.5
        return Error(Errc::not_yet_valid, "the token is not valid yet (nbf)");
    }
    auto iat = date_claim(c, "iat");
    if (!iat) return std::move(iat).error();
    if (o.max_age) {
        if (!*iat)
            return Error(Errc::missing_claim, "\"iat\" is required to check the token's age");
        if (**iat > now + leeway) return Error(Errc::issued_in_future, "\"iat\" is in the future");
        if (now - **iat > static_cast<double>(o.max_age->count()) + leeway) {
            return Error(Errc::token_too_old, "the token is older than the maximum age");
        }
    }
    for (std::string_view name : {"iss", "sub", "jti"}) {
        if (auto ok = string_claim_type(c, name); !ok) return ok;
    }
    if (!o.issuers.empty()) {
        const json::value* iss = c.if_contains("iss");
        if (iss == nullptr) return Error(Errc::missing_claim, "the token has no \"iss\"");
        const std::string_view value = iss->get_string();
        // RFC 7519 §4.1.1: exact, case-sensitive comparison.
        if (std::none_of(o.issuers.begin(), o.issuers.end(),
                         [&](const std::string& s) { return s == value; })) {
            return Error(Errc::bad_issuer, "the token's issuer is not accepted");
        }
    }
    if (const json::value* aud = c.if_contains("aud")) {
        // RFC 7519 §4.1.3: a string, or an array of strings.
        bool well_formed = aud->is_string();
        if (aud->is_array()) {
            well_formed = std::all_of(aud->get_array().begin(), aud->get_array().end(),
                                      [](const json::value& e) { return e.is_string(); });
        }
        if (!well_formed)
            return Error(Errc::bad_claim_type, "\"aud\" is not a string or an array of strings");
    }
    if (!o.audiences.empty()) {
        const json::value* aud = c.if_contains("aud");
        if (aud == nullptr) return Error(Errc::missing_claim, "the token has no \"aud\"");
        const auto accepted = [&](std::string_view a) {
            return std::any_of(o.audiences.begin(), o.audiences.end(),
                               [&](const std::string& s) { return s == a; });
        };
        bool match = false;
        if (aud->is_string()) {
            match = accepted(aud->get_string());
        } else {
            for (const json::value& e : aud->get_array())
                match = match || accepted(e.get_string());
        }
        if (!match) return Error(Errc::bad_audience, "the token is not meant for this audience");
    }
    for (const auto& name : o.required_claims) {
        if (!c.contains(name))
            return Error(Errc::missing_claim, "the token has no \"" + name + "\"");
    }
    return {};
}

Result<Verifier> Verifier::create(VerifierOptions options) {
    if (options.keys.empty() && !options.key_resolver) {
        return Error(Errc::invalid_argument, "a verifier needs at least one key");
    }
    if (options.algorithms.empty()) {
        // RFC 8725 §3.1: without an explicit list, only the algorithms keys are bound to.
        for (const Jwk& key : options.keys) {
            if (!key.alg()) {
                return Error(
                    Errc::invalid_argument,
                    "no algorithm allowed: name the algorithms or give every key an \"alg\"");
            }
            options.algorithms.push_back(*key.alg());
        }
        if (options.algorithms.empty()) {
            return Error(Errc::invalid_argument, "no algorithm allowed: name the algorithms");
        }
    }
    std::sort(options.algorithms.begin(), options.algorithms.end());
    options.algorithms.erase(std::unique(options.algorithms.begin(), options.algorithms.end()),
                             options.algorithms.end());
    if (!options.keys.empty()) {
        bool usable = false;
        for (const Jwk& key : options.keys) {
            for (Algorithm a : options.algorithms)
                usable = usable || key.allows(a);
        }
        if (!usable) {
            return Error(Errc::key_alg_mismatch, "no key can verify any of the allowed algorithms");
        }
    }
    if (options.leeway.count() < 0)
        return Error(Errc::invalid_argument, "leeway must not be negative");
    if (options.max_age && options.max_age->count() < 0) {
        return Error(Errc::invalid_argument, "max age must not be negative");
    }
    if (options.limits.max_token_size == 0 || options.limits.max_json_depth == 0) {
        return Error(Errc::invalid_argument, "limits must be positive");
    }
    if (options.type && options.type->empty()) options.type.reset();
    if (!options.clock) options.clock = [] { return std::chrono::system_clock::now(); };
    auto state = std::make_shared<State>();
    state->options = std::move(options);
    return Verifier(std::move(state));
}

const VerifierOptions& Verifier::options() const noexcept {
    return state_->options;
}

namespace {

Result<Claims> verify_token(const VerifierOptions& o, std::string_view token,
                            json::object* header_out) {
    auto parts = detail::split_compact(token, o.limits);
    if (!parts) return std::move(parts).error();

    // The header lives in a stack arena: parsed once, never copied unless the caller asks for it.
    unsigned char arena[2048];
    json::monotonic_resource resource(arena, sizeof(arena));
    json::storage_ptr sp(&resource);
    json::object header(sp);
    if (auto ok =
            detail::parse_header(parts->header, o.limits, sp, detail::thread_scratch(0), header);
        !ok) {
        return std::move(ok).error();
    }
    auto info = detail::check_header(header, {}, false);
    if (!info) return std::move(info).error();
    auto alg = detail::check_alg(info->alg, o.algorithms);
    if (!alg) return std::move(alg).error();
    if (o.type) {
        const json::value* typ = header.if_contains("typ");
        if (typ == nullptr ||
            !iequals(strip_application(typ->get_string()), strip_application(*o.type))) {
            return Error(Errc::bad_typ, "the token's \"typ\" is not \"" + *o.type + "\"");
        }
    }
    if (const json::value* cty = header.if_contains("cty");
        cty != nullptr && iequals(cty->get_string(), "JWT")) {
        // RFC 7519 §7.2 step 8: a nested JWT; its inner token would need its own verification.
        return Error(Errc::bad_header,
                     "nested JWTs (\"cty\": \"JWT\") are not accepted by this verifier");
    }
    std::string& signature = detail::thread_scratch(1);
    if (!base64url_decode_into(parts->signature, signature)) {
        return Error(Errc::bad_base64, "the JWS signature is not canonical base64url");
    }
    const KeyResolver* resolver = o.key_resolver ? &o.key_resolver : nullptr;
    if (auto ok = detail::verify_signature(*alg, *info, header, parts->signing_input, signature,
                                           o.keys, resolver);
        !ok) {
        return std::move(ok).error();
    }
    // Only now is the payload decoded and parsed (RFC 8725 §3.1: trust nothing before the
    // signature).
    std::string& payload = detail::thread_scratch(2);
    if (!base64url_decode_into(parts->payload, payload)) {
        return Error(Errc::bad_base64, "the JWS payload is not canonical base64url");
    }
    auto claims =
        detail::parse_json_object_strict(payload, o.limits.max_json_depth, "JWT claims set");
    if (!claims) return std::move(claims).error();
    Claims result(std::move(*claims));
    if (auto ok = validate_claims(result, o, o.clock()); !ok) return std::move(ok).error();
    if (header_out != nullptr) *header_out = json::object(header, json::storage_ptr());
    return result;
}

}  // namespace

Result<Claims> Verifier::verify(std::string_view token) const {
    return verify_token(state_->options, token, nullptr);
}

Result<VerifiedToken> Verifier::verify_with_header(std::string_view token) const {
    VerifiedToken out;
    auto claims = verify_token(state_->options, token, &out.header);
    if (!claims) return std::move(claims).error();
    out.claims = std::move(*claims);
    return out;
}

Result<UnverifiedToken> decode_without_verification(std::string_view token,
                                                    const ParseLimits& limits) {
    auto parts = detail::split_compact(token, limits);
    if (!parts) return std::move(parts).error();
    UnverifiedToken out;
    std::string scratch;
    if (auto ok = detail::parse_header(parts->header, limits, {}, scratch, out.header); !ok) {
        return std::move(ok).error();
    }
    if (!base64url_decode_into(parts->payload, scratch)) {
        return Error(Errc::bad_base64, "the JWS payload is not canonical base64url");
    }
    auto payload =
        detail::parse_json_object_strict(scratch, limits.max_json_depth, "JWT claims set");
    if (!payload) return std::move(payload).error();
    out.payload = std::move(*payload);
    return out;
}

}  // namespace signet
