// JWT verification (RFC 7519 §7.2) under RFC 8725: one pass over the token, signature before
// claims, every registered claim type-checked.
#include <boost/json/monotonic_resource.hpp>

#include <algorithm>
#include <cmath>

#include "flat_json.hpp"
#include "json_arena.hpp"
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

// What the claim rules need to know of the registered claims (RFC 7519 §4.1), gathered in one
// pass over either form of a claims set (a JSON tree or a ClaimsView's flat index).
struct ClaimFacts {
    struct Date {
        bool present = false, number = false;
        double value = 0;
    };
    struct Text {
        bool present = false, string = false;
        std::string_view value;
    };
    Date exp, nbf, iat;
    Text iss, sub, jti;
    bool aud_present = false, aud_well_formed = false, aud_accepted = false;

    // Whether the claim is present, for the names gathered here; nullopt for any other name.
    std::optional<bool> present(std::string_view name) const noexcept;
};

bool accepted_audience(const VerifierOptions& o, std::string_view a) {
    return std::any_of(o.audiences.begin(), o.audiences.end(),
                       [&](const std::string& s) { return s == a; });
}

constexpr auto name_code = detail::three_letter_code;

// The two forms of a claim's value, read the same way by note_claim below.
std::optional<double> number_of(const json::value& v) {
    return numeric(v);
}
std::optional<std::string_view> string_of(const json::value& v) {
    if (!v.is_string()) return std::nullopt;
    return std::string_view(v.get_string());
}
// Calls f for a string, or for each element of an array of strings; false for any other shape.
template <class F>
bool each_string(const json::value& v, F&& f) {
    if (v.is_string()) {
        f(std::string_view(v.get_string()));
        return true;
    }
    if (!v.is_array()) return false;
    for (const json::value& e : v.get_array()) {
        if (!e.is_string()) return false;
        f(std::string_view(e.get_string()));
    }
    return true;
}

struct FlatValue {
    const ClaimsView& view;
    const ClaimsView::Member& member;
};
std::optional<double> number_of(const FlatValue& v) {
    if (v.member.kind != ClaimsView::Kind::integer) return std::nullopt;
    return static_cast<double>(v.member.integer);
}
std::optional<std::string_view> string_of(const FlatValue& v) {
    if (v.member.kind != ClaimsView::Kind::string) return std::nullopt;
    return v.view.member_text(v.member);
}
template <class F>
bool each_string(const FlatValue& v, F&& f) {
    if (v.member.kind == ClaimsView::Kind::string) {
        f(v.view.member_text(v.member));
        return true;
    }
    if (v.member.kind != ClaimsView::Kind::string_array) return false;
    ClaimsView::each_in_flat_array(v.view.member_text(v.member), f);
    return true;
}

// One member of a claims set, if it is a registered claim the rules look at.
template <class Value>
void note_claim(ClaimFacts& f, std::string_view name, const Value& v, const VerifierOptions& o) {
    if (name.size() != 3) return;
    const auto date = [&](ClaimFacts::Date& d) {
        d.present = true;
        if (auto n = number_of(v)) d.number = true, d.value = *n;
    };
    const auto text = [&](ClaimFacts::Text& t) {
        t.present = true;
        if (auto s = string_of(v)) t.string = true, t.value = *s;
    };
    switch (name_code(name)) {
        case name_code("exp"): date(f.exp); break;
        case name_code("nbf"): date(f.nbf); break;
        case name_code("iat"): date(f.iat); break;
        case name_code("iss"): text(f.iss); break;
        case name_code("sub"): text(f.sub); break;
        case name_code("jti"): text(f.jti); break;
        case name_code("aud"): {
            f.aud_present = true;
            bool accepted = false;
            f.aud_well_formed = each_string(
                v, [&](std::string_view a) { accepted = accepted || accepted_audience(o, a); });
            f.aud_accepted = f.aud_well_formed && accepted;
            break;
        }
        default: break;
    }
}

std::optional<bool> ClaimFacts::present(std::string_view name) const noexcept {
    if (name.size() != 3) return std::nullopt;
    switch (name_code(name)) {
        case name_code("exp"): return exp.present;
        case name_code("nbf"): return nbf.present;
        case name_code("iat"): return iat.present;
        case name_code("iss"): return iss.present;
        case name_code("sub"): return sub.present;
        case name_code("jti"): return jti.present;
        case name_code("aud"): return aud_present;
        default: return std::nullopt;
    }
}

ClaimFacts facts_of(const json::object& c, const VerifierOptions& o) {
    ClaimFacts f;
    for (const auto& m : c)
        note_claim(f, m.key(), m.value(), o);
    return f;
}

ClaimFacts facts_of(const ClaimsView& view, const VerifierOptions& o) {
    if (const Claims* tree = view.tree()) return facts_of(tree->json(), o);
    ClaimFacts f;
    for (const ClaimsView::Member& m : view.flat_members())
        note_claim(f, view.member_name(m), FlatValue{view, m}, o);
    return f;
}

// A NumericDate (RFC 7519 §2) is a JSON number and nothing else.
Result<void> date_type(const ClaimFacts::Date& d, std::string_view name) {
    if (!d.present || d.number) return {};
    return Error(Errc::bad_claim_type, "\"" + std::string(name) + "\" is not a NumericDate number");
}

Result<void> check_facts(const ClaimFacts& f, const VerifierOptions& o,
                         std::chrono::system_clock::time_point now_tp) {
    const double now = static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(
                                               now_tp.time_since_epoch())
                                               .count()) /
                       1e6;
    const double leeway = static_cast<double>(o.leeway.count());
    if (auto ok = date_type(f.exp, "exp"); !ok) return ok;
    if (f.exp.present && now >= f.exp.value + leeway) {  // RFC 7519 §4.1.4: before exp only
        return Error(Errc::expired, "the token expired");
    }
    if (auto ok = date_type(f.nbf, "nbf"); !ok) return ok;
    if (f.nbf.present && now + leeway < f.nbf.value) {  // RFC 7519 §4.1.5
        return Error(Errc::not_yet_valid, "the token is not valid yet (nbf)");
    }
    if (auto ok = date_type(f.iat, "iat"); !ok) return ok;
    if (o.max_age) {
        if (!f.iat.present)
            return Error(Errc::missing_claim, "\"iat\" is required to check the token's age");
        if (f.iat.value > now + leeway)
            return Error(Errc::issued_in_future, "\"iat\" is in the future");
        if (now - f.iat.value > static_cast<double>(o.max_age->count()) + leeway) {
            return Error(Errc::token_too_old, "the token is older than the maximum age");
        }
    }
    // RFC 7519 §4.1.1, §4.1.2, §4.1.7: StringOrURI and string claims.
    for (auto [t, name] : {std::pair{&f.iss, "iss"}, {&f.sub, "sub"}, {&f.jti, "jti"}}) {
        if (t->present && !t->string) {
            return Error(Errc::bad_claim_type, "\"" + std::string(name) + "\" is not a string");
        }
    }
    if (!o.issuers.empty()) {
        if (!f.iss.present) return Error(Errc::missing_claim, "the token has no \"iss\"");
        // RFC 7519 §4.1.1: exact, case-sensitive comparison.
        if (std::none_of(o.issuers.begin(), o.issuers.end(),
                         [&](const std::string& s) { return s == f.iss.value; })) {
            return Error(Errc::bad_issuer, "the token's issuer is not accepted");
        }
    }
    // RFC 7519 §4.1.3: a string, or an array of strings.
    if (f.aud_present && !f.aud_well_formed) {
        return Error(Errc::bad_claim_type, "\"aud\" is not a string or an array of strings");
    }
    if (!o.audiences.empty()) {
        if (!f.aud_present) return Error(Errc::missing_claim, "the token has no \"aud\"");
        if (!f.aud_accepted)
            return Error(Errc::bad_audience, "the token is not meant for this audience");
    }
    return {};
}

template <class ClaimSet>
Result<void> check_claims(const ClaimSet& claims, const VerifierOptions& o,
                          std::chrono::system_clock::time_point now) {
    const ClaimFacts facts = facts_of(claims, o);
    if (auto ok = check_facts(facts, o, now); !ok) return ok;
    for (const auto& name : o.required_claims) {
        const std::optional<bool> known = facts.present(name);
        if (!(known ? *known : claims.contains(name)))
            return Error(Errc::missing_claim, "the token has no \"" + name + "\"");
    }
    return {};
}

}  // namespace

Result<void> validate_claims(const Claims& claims, const VerifierOptions& o,
                             std::chrono::system_clock::time_point now) {
    return check_claims(claims.json(), o, now);
}

Result<void> validate_claims(const ClaimsView& claims, const VerifierOptions& o,
                             std::chrono::system_clock::time_point now) {
    return check_claims(claims, o, now);
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

// Where a verified payload goes: parsed into Claims (a JSON tree in one arena), or indexed in
// place by a ClaimsView. Either way the claim rules run on it before it is handed out.
//
// Claims are built in their arena and moved out by construction only: Boost.JSON's move
// assignment between different storages copies, which would undo the arena.
struct ClaimsSink {
    std::optional<Claims>* out;
    Result<void> accept_encoded(std::string_view encoded, std::string& scratch,
                                const VerifierOptions& o) {
        if (!base64url_decode_into(encoded, scratch)) {
            return Error(Errc::bad_base64, "the JWS payload is not canonical base64url");
        }
        auto parsed = detail::parse_object(scratch, o.limits.max_json_depth, "JWT claims set",
                                           detail::JsonArena::make());
        if (!parsed) return std::move(parsed).error();
        Claims result(std::move(*parsed));
        if (auto ok = validate_claims(result, o, o.clock()); !ok) return ok;
        out->emplace(std::move(result));
        return {};
    }
};

struct ViewSink {
    ClaimsView* out;
    // The payload is decoded straight into the view.
    Result<void> accept_encoded(std::string_view encoded, std::string&, const VerifierOptions& o) {
        if (auto ok = out->assign_jws_payload(encoded, o.limits.max_json_depth); !ok) return ok;
        if (auto ok = validate_claims(*out, o, o.clock()); !ok) {
            out->clear();
            return ok;
        }
        return {};
    }
};

template <class Sink>
Result<void> verify_token(const VerifierOptions& o, std::string_view token,
                          json::object* header_out, Sink& sink, bool nested = false);

// The flat header of the last token this thread verified. The tokens of one issuer and key carry
// the same header bytes, so each distinct header is decoded and scanned once, and every later
// token costs one comparison of its header segment. Only headers the flat scanner accepts are
// kept; every option-dependent check still runs on each token.
class HeaderMemo {
  public:
    static constexpr std::size_t kMaxEncoded = 512;

    // The scanned header of `encoded`, or nullptr when it is not a flat header (or not base64url:
    // the full path then reports it) or `wanted` is false. Valid until the Lease ends.
    class Lease {
      public:
        Lease(std::string_view encoded, bool wanted) : memo_(mine()) {
            if (!wanted || memo_.in_use_ || encoded.size() > kMaxEncoded) return;  // nested: none
            memo_.in_use_ = true;
            leased_ = true;
            if (!memo_.valid_ || memo_.encoded_ != encoded) {
                memo_.flat_ = {};
                memo_.valid_ = base64url_decode_into(encoded, memo_.json_) &&
                               detail::scan_flat_header(memo_.json_, memo_.flat_);
                if (memo_.valid_) memo_.encoded_.assign(encoded);
            }
        }
        ~Lease() {
            if (leased_) memo_.in_use_ = false;
        }
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        const detail::FlatHeader* header() const noexcept {
            return leased_ && memo_.valid_ ? &memo_.flat_ : nullptr;
        }

      private:
        HeaderMemo& memo_;
        bool leased_ = false;
    };

  private:
    static HeaderMemo& mine() {
        thread_local HeaderMemo memo;
        return memo;
    }
    std::string encoded_;  // the header segment as transmitted
    std::string json_;     // its decoding, which flat_'s views point into
    detail::FlatHeader flat_;
    bool valid_ = false;
    bool in_use_ = false;  // a verification on this thread holds views into it
};

// RFC 7519 §7.2 steps 8-9: decrypt, check "cty", then verify the inner JWS.
template <class Sink>
Result<void> verify_nested(const VerifierOptions& o, std::string_view token,
                           json::object* header_out, Sink& sink) {
    // Decrypted into this depth's buffers, without a JSON tree for the usual header; the inner
    // verification below takes buffers of its own.
    detail::ThreadScratch scratch;
    DecryptedCompactJwe& decrypted = scratch.decrypted();
    if (auto ok = jwe::decrypt(token, o.decryption_keys, o.decryption, decrypted); !ok) return ok;
    // "cty" is empty when absent or not a string.
    if (!iequals(strip_application(decrypted.cty), "JWT")) {
        // An encrypted claims set without a signature proves nothing about who issued it.
        return Error(Errc::bad_header,
                     "an encrypted token must hold a signed JWT (\"cty\": \"JWT\")");
    }
    const std::string_view inner = decrypted.plaintext;
    if (std::count(inner.begin(), inner.end(), '.') != 2) {
        return Error(Errc::malformed, "the encrypted token does not hold a compact JWS");
    }
    return verify_token(o, inner, header_out, sink, /*nested=*/true);
}

// `nested`: the token came out of a JWE, so it is the inner JWS and is not decrypted again.
template <class Sink>
Result<void> verify_token(const VerifierOptions& o, std::string_view token,
                          json::object* header_out, Sink& sink, bool nested) {
    if (!nested && !o.decryption_keys.empty()) {
        // A compact JWE has four dots; the size limit is applied by jwe::decrypt.
        if (std::count(token.begin(), token.end(), '.') == 4)
            return verify_nested(o, token, header_out, sink);
        if (o.require_encryption) {
            return Error(Errc::not_encrypted, "this verifier accepts only encrypted (nested) JWTs");
        }
    }
    auto parts = detail::split_compact(token, o.limits);
    if (!parts) return std::move(parts).error();
    detail::ThreadScratch scratch;

    // The header is read once: by the flat scanner when it has the usual shape and nobody needs
    // it as a JSON object, else by the strict parser into a stack arena.
    unsigned char arena[2048];
    json::monotonic_resource resource(arena, sizeof(arena));
    json::storage_ptr sp(&resource);
    json::object header(sp);
    detail::HeaderInfo info;
    std::optional<std::string_view> typ, cty;
    const HeaderMemo::Lease memo(parts->header, !o.key_resolver && header_out == nullptr);
    if (const detail::FlatHeader* scanned = memo.header(); scanned != nullptr) {
        const detail::FlatHeader& flat = *scanned;
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
        std::string& header_json = scratch[0];
        if (!base64url_decode_into(parts->header, header_json)) {
            return Error(Errc::bad_base64, "the JWS header is not canonical base64url");
        }
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
    std::string& signature = scratch[1];
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
    if (auto ok = sink.accept_encoded(parts->payload, scratch[2], o); !ok) return ok;
    if (header_out != nullptr) *header_out = json::object(header, json::storage_ptr());
    return {};
}

}  // namespace

Result<Claims> Verifier::verify(std::string_view token) const {
    std::optional<Claims> claims;
    ClaimsSink sink{&claims};
    if (auto ok = verify_token(state_->options, token, nullptr, sink); !ok)
        return std::move(ok).error();
    return std::move(*claims);
}

Result<void> Verifier::verify(std::string_view token, ClaimsView& claims) const {
    claims.clear();
    ViewSink sink{&claims};
    return verify_token(state_->options, token, nullptr, sink);
}

Result<ClaimsView> Verifier::verify_view(std::string_view token) const {
    ClaimsView claims;
    if (auto ok = verify(token, claims); !ok) return std::move(ok).error();
    return claims;
}

Result<VerifiedToken> Verifier::verify_with_header(std::string_view token) const {
    json::object header;
    std::optional<Claims> claims;
    ClaimsSink sink{&claims};
    if (auto ok = verify_token(state_->options, token, &header, sink); !ok)
        return std::move(ok).error();
    return VerifiedToken{std::move(header), std::move(*claims)};
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
