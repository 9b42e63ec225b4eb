// JWT verification (RFC 7519 §7.2) under RFC 8725: one pass over the token, signature before
// claims, every registered claim type-checked.
#include <boost/json/monotonic_resource.hpp>

#include <algorithm>
#include <cmath>

#include "flat_json.hpp"
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

// The registered claims (RFC 7519 §4.1), found in one pass over the claims set.
struct Registered {
    const json::value* exp = nullptr;
    const json::value* nbf = nullptr;
    const json::value* iat = nullptr;
    const json::value* iss = nullptr;
    const json::value* sub = nullptr;
    const json::value* aud = nullptr;
    const json::value* jti = nullptr;
};

Registered find_registered(const json::object& c) {
    Registered r;
    for (const auto& m : c) {
        const std::string_view k = m.key();
        if (k.size() != 3) continue;
        if (k == "exp")
            r.exp = &m.value();
        else if (k == "nbf")
            r.nbf = &m.value();
        else if (k == "iat")
            r.iat = &m.value();
        else if (k == "iss")
            r.iss = &m.value();
        else if (k == "sub")
            r.sub = &m.value();
        else if (k == "aud")
            r.aud = &m.value();
        else if (k == "jti")
            r.jti = &m.value();
    }
    return r;
}

// A NumericDate (RFC 7519 §2) is a JSON number and nothing else.
Result<std::optional<double>> date_claim(const json::value* v, std::string_view name) {
    if (v == nullptr) return std::optional<double>();
    auto n = numeric(*v);
    if (!n)
        return Error(Errc::bad_claim_type,
                     "\"" + std::string(name) + "\" is not a NumericDate number");
    return std::optional<double>(*n);
}

}  // namespace

Result<void> validate_claims(const Claims& claims, const VerifierOptions& o,
                             std::chrono::system_clock::time_point now_tp) {
    const json::object& c = claims.json();
    const Registered r = find_registered(c);
    const double now = static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(
                                               now_tp.time_since_epoch())
                                               .count()) /
                       1e6;
    const double leeway = static_cast<double>(o.leeway.count());

    auto exp = date_claim(r.exp, "exp");
    if (!exp) return std::move(exp).error();
    if (*exp && now >= **exp + leeway) {  // RFC 7519 §4.1.4: now must be before exp
        return Error(Errc::expired, "the token expired");
    }
    auto nbf = date_claim(r.nbf, "nbf");
    if (!nbf) return std::move(nbf).error();
    if (*nbf && now + leeway < **nbf) {  // RFC 7519 §4.1.5
        return Error(Errc::not_yet_valid, "the token is not valid yet (nbf)");
    }
    auto iat = date_claim(r.iat, "iat");
    if (!iat) return std::move(iat).error();
    if (o.max_age) {
        if (!*iat)
            return Error(Errc::missing_claim, "\"iat\" is required to check the token's age");
        if (**iat > now + leeway) return Error(Errc::issued_in_future, "\"iat\" is in the future");
        if (now - **iat > static_cast<double>(o.max_age->count()) + leeway) {
            return Error(Errc::token_too_old, "the token is older than the maximum age");
        }
    }
    // RFC 7519 §4.1.1, §4.1.2, §4.1.7: StringOrURI and string claims.
    for (auto [v, name] : {std::pair{r.iss, "iss"}, {r.sub, "sub"}, {r.jti, "jti"}}) {
        if (v != nullptr && !v->is_string()) {
            return Error(Errc::bad_claim_type, "\"" + std::string(name) + "\" is not a string");
        }
    }
    if (!o.issuers.empty()) {
        if (r.iss == nullptr) return Error(Errc::missing_claim, "the token has no \"iss\"");
        const std::string_view value = r.iss->get_string();
        // RFC 7519 §4.1.1: exact, case-sensitive comparison.
        if (std::none_of(o.issuers.begin(), o.issuers.end(),
                         [&](const std::string& s) { return s == value; })) {
            return Error(Errc::bad_issuer, "the token's issuer is not accepted");
        }
    }
    if (r.aud != nullptr) {
        // RFC 7519 §4.1.3: a string, or an array of strings.
        bool well_formed = r.aud->is_string();
        if (r.aud->is_array()) {
            well_formed = std::all_of(r.aud->get_array().begin(), r.aud->get_array().end(),
                                      [](const json::value& e) { return e.is_string(); });
        }
        if (!well_formed) {
            return Error(Errc::bad_claim_type, "\"aud\" is not a string or an array of strings");
        }
    }
    if (!o.audiences.empty()) {
        if (r.aud == nullptr) return Error(Errc::missing_claim, "the token has no \"aud\"");
        const auto accepted = [&](std::string_view a) {
            return std::any_of(o.audiences.begin(), o.audiences.end(),
                               [&](const std::string& s) { return s == a; });
        };
        bool match = false;
        if (r.aud->is_string()) {
            match = accepted(r.aud->get_string());
        } else {
            for (const json::value& e : r.aud->get_array())
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
    if (options.key_source && !options.keys.empty()) {
        return Error(Errc::invalid_argument, "give a verifier keys or a key source, not both");
    }
    if (options.keys.empty() && !options.key_resolver && !options.key_source) {
        return Error(Errc::invalid_argument, "a verifier needs at least one key");
    }
    if (options.algorithms.empty() && !options.key_source) {
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
    if (options.limits.max_token_size == 0 || options.limits.max_json_depth == 0 ||
        options.limits.max_header_members == 0) {
        return Error(Errc::invalid_argument, "limits must be positive");
    }
    if (!options.decryption_keys.empty() && options.decryption.algorithms.empty()) {
        for (const Jwk& key : options.decryption_keys) {
            if (!key.key_management()) {
                return Error(Errc::invalid_argument,
                             "no decryption algorithm allowed: name them or give every decryption "
                             "key an \"alg\"");
            }
            options.decryption.algorithms.push_back(*key.key_management());
        }
    }
    if (options.require_encryption && options.decryption_keys.empty()) {
        return Error(Errc::invalid_argument, "requiring encryption needs decryption keys");
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
                            json::object* header_out, bool nested = false);

// RFC 7519 §7.2 steps 8-9: decrypt, check "cty", then verify the inner JWS.
Result<Claims> verify_nested(const VerifierOptions& o, std::string_view token,
                             json::object* header_out) {
    auto decrypted = jwe::decrypt(token, o.decryption_keys, o.decryption);
    if (!decrypted) return std::move(decrypted).error();
    const json::value* cty = decrypted->protected_header.if_contains("cty");
    if (cty == nullptr || !cty->is_string() ||
        !iequals(strip_application(cty->get_string()), "JWT")) {
        // An encrypted claims set without a signature proves nothing about who issued it.
        return Error(Errc::bad_header,
                     "an encrypted token must hold a signed JWT (\"cty\": \"JWT\")");
    }
    const std::string_view inner = decrypted->plaintext;
    if (std::count(inner.begin(), inner.end(), '.') != 2) {
        return Error(Errc::malformed, "the encrypted token does not hold a compact JWS");
    }
    return verify_token(o, inner, header_out, /*nested=*/true);
}

// `nested`: the token came out of a JWE, so it is the inner JWS and is not decrypted again.
Result<Claims> verify_token(const VerifierOptions& o, std::string_view token,
                            json::object* header_out, bool nested) {
    if (!nested && !o.decryption_keys.empty()) {
        // A compact JWE has four dots; the size limit is applied by jwe::decrypt.
        if (std::count(token.begin(), token.end(), '.') == 4)
            return verify_nested(o, token, header_out);
        if (o.require_encryption) {
            return Error(Errc::not_encrypted, "this verifier accepts only encrypted (nested) JWTs");
        }
    }
    auto parts = detail::split_compact(token, o.limits);
    if (!parts) return std::move(parts).error();

    std::string& header_json = detail::thread_scratch(0);
    if (!base64url_decode_into(parts->header, header_json)) {
        return Error(Errc::bad_base64, "the JWS header is not canonical base64url");
    }
    // The header is read once: by the flat scanner when it has the usual shape and nobody needs
    // it as a JSON object, else by the strict parser into a stack arena.
    unsigned char arena[2048];
    json::monotonic_resource resource(arena, sizeof(arena));
    json::storage_ptr sp(&resource);
    json::object header(sp);
    detail::HeaderInfo info;
    std::optional<std::string_view> typ, cty;
    detail::FlatHeader flat;
    if (!o.key_resolver && header_out == nullptr && detail::scan_flat_header(header_json, flat)) {
        if (flat.members > o.limits.max_header_members) {
            return Error(Errc::bad_header, "the header has more than " +
                                               std::to_string(o.limits.max_header_members) +
                                               " members");
        }
        if (!flat.has_alg) return Error(Errc::malformed, "the JWS header has no \"alg\"");
        if (flat.has_b64 && !flat.b64) {
            return Error(Errc::unencoded_payload,
                         "\"b64\": false is not accepted here (never for JWTs)");
        }
        info.alg = flat.alg;
        if (flat.has_kid) info.kid = flat.kid;
        if (flat.has_typ) typ = flat.typ;
        if (flat.has_cty) cty = flat.cty;
    } else {
        auto parsed = detail::parse_json_object_strict(header_json, o.limits.max_json_depth,
                                                       "JWS header", sp);
        if (!parsed) return std::move(parsed).error();
        header = std::move(*parsed);
        if (auto ok = detail::check_header_size(header, o.limits); !ok)
            return std::move(ok).error();
        auto checked = detail::check_header(header, {}, false);
        if (!checked) return std::move(checked).error();
        info = *checked;
        if (const json::value* v = header.if_contains("typ"))
            typ = std::string_view(v->get_string());
        if (const json::value* v = header.if_contains("cty"))
            cty = std::string_view(v->get_string());
    }
    // With a key source and no named algorithms, each key's own "alg" is its allow-list.
    const bool key_alg_required = o.algorithms.empty();
    auto alg = detail::check_alg(
        info.alg, key_alg_required ? all_algorithms() : std::span<const Algorithm>(o.algorithms));
    if (!alg) return std::move(alg).error();
    if (o.type && (!typ || !iequals(strip_application(*typ), strip_application(*o.type)))) {
        return Error(Errc::bad_typ, "the token's \"typ\" is not \"" + *o.type + "\"");
    }
    if (cty && iequals(strip_application(*cty), "JWT")) {
        // RFC 7519 §7.2 step 8: a nested JWT; its inner token would need its own verification.
        return Error(Errc::bad_header,
                     "nested JWTs (\"cty\": \"JWT\") are not accepted by this verifier");
    }
    std::string& signature = detail::thread_scratch(1);
    if (!base64url_decode_into(parts->signature, signature)) {
        return Error(Errc::bad_base64, "the JWS signature is not canonical base64url");
    }
    const KeyResolver* resolver = o.key_resolver ? &o.key_resolver : nullptr;
    const auto verify_with = [&](const KeySet& keys) {
        return detail::verify_signature(*alg, info, header, parts->signing_input, signature, keys,
                                        resolver, key_alg_required);
    };
    if (o.key_source) {
        std::shared_ptr<const KeySet> keys = o.key_source->current();
        if (!keys) return Error(Errc::keys_unavailable, "the key source has no usable key set");
        auto ok = verify_with(*keys);
        // An unknown "kid" may be a key rotated in at the source since its last fetch.
        if (!ok && ok.error().code() == Errc::key_not_found && info.kid &&
            keys->find(*info.kid) == nullptr) {
            if (auto newer = o.key_source->refresh_for_kid(*info.kid); newer && newer != keys) {
                ok = verify_with(*newer);
            }
        }
        if (!ok) return std::move(ok).error();
    } else if (auto ok = verify_with(o.keys); !ok) {
        return std::move(ok).error();
    }
    // Only now is the payload decoded and parsed (RFC 8725 §3.1: trust nothing before the
    // signature).
    std::string& payload = detail::thread_scratch(2);
    if (!base64url_decode_into(parts->payload, payload)) {
        return Error(Errc::bad_base64, "the JWS payload is not canonical base64url");
    }
    // The claims live in one arena sized for the payload: one allocation instead of one per
    // member, released together when the last copy of the Claims goes.
    json::storage_ptr claims_sp =
        json::make_shared_resource<json::monotonic_resource>(2 * payload.size() + 256);
    json::object claims_json(claims_sp);
    if (!detail::parse_flat_object(payload, o.limits.max_json_depth, claims_sp, claims_json)) {
        auto parsed = detail::parse_json_object_strict(payload, o.limits.max_json_depth,
                                                       "JWT claims set", claims_sp);
        if (!parsed) return std::move(parsed).error();
        claims_json = std::move(*parsed);
    }
    Claims result(std::move(claims_json));
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
