// JWS compact serialization (RFC 7515 §3.1, §5, §7.1) and the RFC 7797 unencoded payload option.
#include "signet/jws.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/serializer.hpp>

#include <array>
#include <memory>
#include <vector>

#include "crypto/crypto.hpp"
#include "flat_json.hpp"
#include "json_strict.hpp"
#include "jws_internal.hpp"
#include "signet/base64url.hpp"
#include "signet/signature.hpp"

namespace signet {

namespace json = boost::json;

namespace detail {
namespace {

// Header Parameter names registered by RFC 7515 §4.1, RFC 7516 §4.1 and RFC 7518 §4.6-4.8;
// RFC 7515 §4.1.11 forbids them inside "crit".
constexpr std::array<std::string_view, 20> kRegisteredHeaderNames{
    "alg",  "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty",
    "crit", "enc", "zip", "epk", "apu", "apv", "iv",  "tag",      "p2s", "p2c"};

constexpr std::size_t kMaxCandidateKeys = 16;  // without "kid", how many fitting keys we try

}  // namespace

namespace {

struct ScratchSets {
    std::vector<std::unique_ptr<ThreadScratch::Set>> sets;
    std::size_t depth = 0;  // verifications under way on this thread
};

ScratchSets& thread_sets() {
    thread_local ScratchSets sets;
    return sets;
}

}  // namespace

ThreadScratch::ThreadScratch() {
    ScratchSets& t = thread_sets();
    if (t.sets.size() == t.depth) t.sets.push_back(std::make_unique<Set>());
    set_ = t.sets[t.depth++].get();
}

ThreadScratch::~ThreadScratch() {
    --thread_sets().depth;
}

Result<void> check_token_size(std::size_t size, const ParseLimits& limits, std::string_view what) {
    if (size <= limits.max_token_size) return {};
    return Error(Errc::token_too_large, std::string(what) + " of " + std::to_string(size) +
                                            " bytes exceeds the limit of " +
                                            std::to_string(limits.max_token_size));
}

Result<JwsParts> split_compact(std::string_view token, const ParseLimits& limits) {
    if (auto ok = check_token_size(token.size(), limits, "token"); !ok)
        return std::move(ok).error();
    const std::size_t first = token.find('.');
    const std::size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
    if (second == std::string_view::npos) {
        return Error(Errc::malformed, "a compact JWS has three dot-separated segments");
    }
    const std::size_t third = token.find('.', second + 1);
    if (third != std::string_view::npos) {
        std::size_t dots = 3;
        for (std::size_t i = third + 1; i < token.size(); ++i)
            dots += token[i] == '.';
        return Error(Errc::malformed, dots == 4 ? "five segments: a JWE, not a JWS"
                                                : "a compact JWS has three dot-separated segments");
    }
    JwsParts parts;
    parts.header = token.substr(0, first);
    parts.payload = token.substr(first + 1, second - first - 1);
    parts.signature = token.substr(second + 1);
    parts.signing_input = token.substr(0, second);
    if (parts.header.empty()) return Error(Errc::malformed, "the JWS header segment is empty");
    return parts;
}

Result<void> check_header_size(const json::object& header, const ParseLimits& limits) {
    if (header.size() > limits.max_header_members) {
        return Error(Errc::bad_header, "the header has more than " +
                                           std::to_string(limits.max_header_members) + " members");
    }
    return {};
}

Result<void> parse_header(std::string_view header_b64, const ParseLimits& limits,
                          json::storage_ptr sp, std::string& scratch, json::object& out) {
    if (!base64url_decode_into(header_b64, scratch)) {
        return Error(Errc::bad_base64, "the JWS header is not canonical base64url");
    }
    auto header = parse_object(scratch, limits.max_json_depth, "JWS header", std::move(sp));
    if (!header) return std::move(header).error();
    out = std::move(*header);
    return check_header_size(out, limits);
}

Result<bool> check_crit(const json::object& header, std::span<const std::string> understood_crit,
                        bool b64_understood) {
    bool b64_critical = false;
    if (const json::value* crit = header.if_contains("crit")) {
        // RFC 7515 §4.1.11: a non-empty array of names, none registered, each understood and
        // present.
        if (!crit->is_array() || crit->get_array().empty()) {
            return Error(Errc::unsupported_crit, "\"crit\" must be a non-empty array");
        }
        const json::array& names = crit->get_array();
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (!names[i].is_string())
                return Error(Errc::unsupported_crit, "\"crit\" holds a non-string");
            const std::string_view name = names[i].get_string();
            for (std::size_t j = 0; j < i; ++j) {
                if (names[j].is_string() && names[j].get_string() == name) {
                    return Error(Errc::unsupported_crit,
                                 "\"crit\" repeats \"" + std::string(name) + "\"");
                }
            }
            for (std::string_view registered : kRegisteredHeaderNames) {
                if (name == registered) {
                    return Error(Errc::unsupported_crit, "\"crit\" lists the registered name \"" +
                                                             std::string(name) + "\"");
                }
            }
            bool understood = b64_understood && name == "b64";
            for (const auto& u : understood_crit)
                understood |= u == name;
            if (!understood) {
                return Error(Errc::unsupported_crit, "\"crit\" lists \"" + std::string(name) +
                                                         "\", which is not understood");
            }
            if (!header.contains(name)) {
                return Error(Errc::unsupported_crit, "\"crit\" lists \"" + std::string(name) +
                                                         "\", absent from the header");
            }
            b64_critical |= name == "b64";
        }
    }
    return b64_critical;
}

Result<HeaderInfo> check_header(const json::object& header,
                                std::span<const std::string> understood_crit,
                                bool allow_unencoded) {
    HeaderInfo info;
    const json::value* alg = header.if_contains("alg");
    if (alg == nullptr)
        return Error(Errc::malformed, "the JWS header has no \"alg\"");  // RFC 7515 §4.1.1
    if (!alg->is_string()) return Error(Errc::bad_header, "\"alg\" is not a string");
    info.alg = alg->get_string();
    if (const json::value* kid = header.if_contains("kid")) {
        if (!kid->is_string()) return Error(Errc::bad_header, "\"kid\" is not a string");
        info.kid = std::string_view(kid->get_string());
    }
    for (std::string_view name : {"typ", "cty"}) {
        const json::value* v = header.if_contains(name);
        if (v != nullptr && !v->is_string()) {
            return Error(Errc::bad_header, "\"" + std::string(name) + "\" is not a string");
        }
    }
    const json::value* b64 = header.if_contains("b64");
    if (b64 != nullptr) {
        if (!b64->is_bool()) return Error(Errc::bad_header, "\"b64\" is not a boolean");
        info.unencoded = !b64->get_bool();
    }
    // "b64" is always understood, so that a JWT carrying it is refused for what it is below.
    auto b64_critical = check_crit(header, understood_crit, true);
    if (!b64_critical) return std::move(b64_critical).error();
    if (info.unencoded) {
        if (!allow_unencoded) {
            return Error(Errc::unencoded_payload,
                         "\"b64\": false is not accepted here (never for JWTs)");
        }
        if (!*b64_critical) {  // RFC 7797 §6
            return Error(Errc::unsupported_crit, "\"b64\" must be listed in \"crit\"");
        }
    }
    return info;
}

Result<Algorithm> check_alg(std::string_view name, std::span<const Algorithm> allowed) {
    const auto alg = parse_algorithm(name);
    if (!alg) {
        if (name == "none") {  // RFC 8725 §3.1
            return Error(Errc::alg_not_allowed,
                         "unsecured tokens (\"alg\": \"none\") are never accepted");
        }
        return Error(Errc::unsupported_alg,
                     "unsupported \"alg\" \"" + std::string(name.substr(0, 32)) + "\"");
    }
    for (Algorithm a : allowed) {
        if (a == *alg) return *alg;
    }
    return Error(Errc::alg_not_allowed, "\"alg\" " + std::string(name) + " is not allowed");
}

Result<void> verify_signature(Algorithm alg, const HeaderInfo& info, const json::object& header,
                              std::string_view signing_input, std::string_view signature,
                              const KeySet& keys, const KeyResolver* resolver,
                              bool key_alg_required) {
    const auto unbound = [&](const Jwk& key) { return key_alg_required && !key.alg(); };
    const auto unbound_error = [] {
        return Error(Errc::key_alg_mismatch,
                     "the key has no \"alg\" and no algorithms were named for it");
    };
    if (info.kid) {
        if (const Jwk* key = keys.find(*info.kid)) {
            if (unbound(*key)) return unbound_error();
            if (auto ok = key->check_usable(alg, KeyOperation::verify); !ok) return ok;
            return detail::verify(alg, key->material(), signing_input, signature);
        }
    }
    if (resolver != nullptr && *resolver && (info.kid || keys.empty())) {
        auto key = (*resolver)(header);
        if (!key) return std::move(key).error();
        if (auto ok = key->check_usable(alg, KeyOperation::verify); !ok) return ok;
        return detail::verify(alg, key->material(), signing_input, signature);
    }
    // Without a "kid" every key whose type and binding fit the algorithm is tried. When no key
    // carries the token's "kid", keys that have no "kid" of their own still qualify: RFC 7515
    // §4.1.4 makes "kid" a hint, and such a key names no identity the hint could contradict.
    std::size_t tried = 0;
    for (const Jwk& key : keys) {
        if (info.kid && !key.kid().empty()) continue;
        if (unbound(key) || !key.allows(alg, KeyOperation::verify)) continue;
        if (detail::verify(alg, key.material(), signing_input, signature)) return {};
        if (++tried == kMaxCandidateKeys) break;
    }
    if (tried == 0) {
        if (info.kid) return Error(Errc::key_not_found, "no key has the token's \"kid\"");
        return Error(Errc::key_not_found, "no key fits \"alg\" " + std::string(to_string(alg)));
    }
    return Error(Errc::bad_signature, "signature verification failed");
}

}  // namespace detail

namespace {

// Header JSON: "alg" first, then the caller's members, then "kid" unless the caller set one.
Result<std::string> encode_header(Algorithm alg, const Jwk& key, const JwsSignOptions& options,
                                  const json::object* extra) {
    if (options.header.contains("alg")) {
        return Error(Errc::invalid_argument,
                     "the signing algorithm is set by the key and alg, not the header");
    }
    json::object header;
    header["alg"] = to_string(alg);
    for (const auto& m : options.header)
        header.emplace(m.key(), m.value());
    if (extra != nullptr) {
        for (const auto& m : *extra)
            header.emplace(m.key(), m.value());
    }
    if (options.include_kid && !key.kid().empty() && !header.contains("kid"))
        header["kid"] = key.kid();
    return json::serialize(header);
}

Result<std::string> sign_input(std::string_view header_json, std::string_view payload,
                               bool encode_payload, Algorithm alg, const Jwk& key,
                               std::string& input) {
    input.clear();
    base64url_encode_append(header_json, input);
    input.push_back('.');
    if (encode_payload) {
        base64url_encode_append(payload, input);
    } else {
        input.append(payload);
    }
    return sign_bytes(alg, key, input);
}

}  // namespace

Result<std::string> CompactJws::payload() const {
    if (unencoded_) return std::string(encoded_payload_);
    return base64url_decode(encoded_payload_);
}

std::string_view CompactJws::alg_name() const noexcept {
    const json::value* v = header_.if_contains("alg");
    return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

std::string_view CompactJws::kid() const noexcept {
    const json::value* v = header_.if_contains("kid");
    return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

Result<CompactJws> CompactJws::parse(std::string_view token, const ParseLimits& limits) {
    auto parts = detail::split_compact(token, limits);
    if (!parts) return std::move(parts).error();
    CompactJws jws;
    std::string scratch;
    if (auto ok = detail::parse_header(parts->header, limits, {}, scratch, jws.header_); !ok) {
        return std::move(ok).error();
    }
    const json::value* b64 = jws.header_.if_contains("b64");
    jws.unencoded_ = b64 != nullptr && b64->is_bool() && !b64->get_bool();
    jws.signing_input_ = parts->signing_input;
    jws.encoded_payload_ = parts->payload;
    jws.encoded_signature_ = parts->signature;
    return jws;
}

namespace jws {

Result<std::string> sign(std::string_view payload, const Jwk& key, Algorithm alg,
                         const JwsSignOptions& options) {
    if (options.header.contains("b64")) {
        return Error(Errc::invalid_argument, "use sign_detached_unencoded for \"b64\"");
    }
    auto header = encode_header(alg, key, options, nullptr);
    if (!header) return std::move(header).error();
    std::string token;
    auto sig = sign_input(*header, payload, true, alg, key, token);
    if (!sig) return std::move(sig).error();
    token.push_back('.');
    base64url_encode_append(*sig, token);
    return token;
}

Result<std::string> verify(std::string_view token, const KeySet& keys,
                           const JwsVerifyOptions& options) {
    if (options.algorithms.empty()) {
        return Error(Errc::invalid_argument, "verification needs an algorithm allow-list");
    }
    auto parts = detail::split_compact(token, options.limits);
    if (!parts) return std::move(parts).error();
    std::string scratch;
    json::object header;
    if (auto ok = detail::parse_header(parts->header, options.limits, {}, scratch, header); !ok) {
        return std::move(ok).error();
    }
    auto info = detail::check_header(header, options.understood_crit, false);
    if (!info) return std::move(info).error();
    auto alg = detail::check_alg(info->alg, options.algorithms);
    if (!alg) return std::move(alg).error();
    if (!base64url_decode_into(parts->signature, scratch)) {
        return Error(Errc::bad_base64, "the JWS signature is not canonical base64url");
    }
    if (auto ok = detail::verify_signature(*alg, *info, header, parts->signing_input, scratch, keys,
                                           nullptr);
        !ok) {
        return std::move(ok).error();
    }
    auto payload = base64url_decode(parts->payload);
    if (!payload) return Error(Errc::bad_base64, "the JWS payload is not canonical base64url");
    return payload;
}

Result<std::string> sign_detached_unencoded(std::string_view payload, const Jwk& key, Algorithm alg,
                                            const JwsSignOptions& options) {
    json::object extra;
    extra["b64"] = false;
    extra["crit"] = json::array{"b64"};
    if (options.header.contains("b64") || options.header.contains("crit")) {
        return Error(Errc::invalid_argument,
                     "\"b64\" and \"crit\" are set by sign_detached_unencoded");
    }
    auto header = encode_header(alg, key, options, &extra);
    if (!header) return std::move(header).error();
    std::string input;
    auto sig = sign_input(*header, payload, false, alg, key, input);
    if (!sig) return std::move(sig).error();
    std::string token;
    base64url_encode_append(*header, token);
    token += "..";
    base64url_encode_append(*sig, token);
    return token;
}

Result<void> verify_detached_unencoded(std::string_view detached_token, std::string_view payload,
                                       const KeySet& keys, const JwsVerifyOptions& options) {
    if (options.algorithms.empty()) {
        return Error(Errc::invalid_argument, "verification needs an algorithm allow-list");
    }
    auto parts = detail::split_compact(detached_token, options.limits);
    if (!parts) return std::move(parts).error();
    if (!parts->payload.empty()) {
        return Error(Errc::malformed, "a detached JWS has an empty payload segment");
    }
    std::string scratch;
    json::object header;
    if (auto ok = detail::parse_header(parts->header, options.limits, {}, scratch, header); !ok) {
        return ok;
    }
    auto info = detail::check_header(header, options.understood_crit, true);
    if (!info) return std::move(info).error();
    auto alg = detail::check_alg(info->alg, options.algorithms);
    if (!alg) return std::move(alg).error();
    // RFC 7797 §3: the signing input is the header, ".", and the payload as-is when b64 is false.
    std::string input(parts->header);
    input.push_back('.');
    if (info->unencoded) {
        input.append(payload);
    } else {
        base64url_encode_append(payload, input);
    }
    if (!base64url_decode_into(parts->signature, scratch)) {
        return Error(Errc::bad_base64, "the JWS signature is not canonical base64url");
    }
    return detail::verify_signature(*alg, *info, header, input, scratch, keys, nullptr);
}

}  // namespace jws

namespace unsafe {

Result<std::string> sign_unsecured_jws(std::string_view payload, const json::object& extra_header) {
    json::object header;
    header["alg"] = "none";
    for (const auto& m : extra_header) {
        if (m.key() != "alg") header.emplace(m.key(), m.value());
    }
    std::string token = base64url_encode(json::serialize(header));
    token.push_back('.');
    base64url_encode_append(payload, token);
    token.push_back('.');
    return token;
}

Result<std::string> verify_unsecured_jws(std::string_view token, const ParseLimits& limits) {
    auto parts = detail::split_compact(token, limits);
    if (!parts) return std::move(parts).error();
    std::string scratch;
    json::object header;
    if (auto ok = detail::parse_header(parts->header, limits, {}, scratch, header); !ok) {
        return std::move(ok).error();
    }
    auto info = detail::check_header(header, {}, false);
    if (!info) return std::move(info).error();
    if (info->alg != "none") return Error(Errc::alg_not_allowed, "not an unsecured JWS");
    // RFC 7518 §3.6: the JWS Signature is the empty octet sequence.
    if (!parts->signature.empty())
        return Error(Errc::bad_signature, "an unsecured JWS has no signature");
    auto payload = base64url_decode(parts->payload);
    if (!payload) return Error(Errc::bad_base64, "the JWS payload is not canonical base64url");
    return payload;
}

}  // namespace unsafe
}  // namespace signet
