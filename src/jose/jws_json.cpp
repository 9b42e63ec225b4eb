// JWS JSON serialization, general and flattened (RFC 7515 §7.2), with detached content
// (Appendix F) and the RFC 7797 unencoded payload.
#include <boost/json/serialize.hpp>

#include "json_strict.hpp"
#include "jws_internal.hpp"
#include "signet/base64url.hpp"
#include "signet/jws.hpp"
#include "signet/signature.hpp"

namespace signet::jws {

namespace json = boost::json;

namespace {

Result<json::object> joint_header(const json::object& protected_header,
                                  const json::object& header) {
    json::object joint = protected_header;
    for (const auto& m : header) {
        // RFC 7515 §7.2.1: the protected and unprotected members must be disjoint.
        if (joint.contains(m.key())) {
            return Error(Errc::bad_header,
                         "the header parameter \"" + std::string(m.key()) + "\" appears twice");
        }
        joint.emplace(m.key(), m.value());
    }
    return joint;
}

}  // namespace

Result<json::object> sign_json(std::string_view payload, std::span<const JwsJsonSigner> signers,
                               const JwsJsonOptions& options) {
    if (signers.empty()) return Error(Errc::invalid_argument, "a JWS needs at least one signer");
    if (options.flattened && signers.size() != 1) {
        return Error(Errc::invalid_argument, "the flattened syntax has exactly one signature");
    }
    // RFC 7797 §5.2: an unencoded payload is used as-is (it must then be valid JSON string text).
    const std::string payload_part =
        options.unencoded ? std::string(payload) : base64url_encode(payload);
    json::array signatures;
    for (const JwsJsonSigner& s : signers) {
        for (std::string_view reserved : {"alg", "b64", "crit"}) {
            if (s.protected_header.contains(reserved) || s.header.contains(reserved)) {
                return Error(Errc::invalid_argument,
                             "\"" + std::string(reserved) + "\" is set by sign_json itself");
            }
        }
        json::object prot;
        prot["alg"] = to_string(s.alg);
        if (!s.key.kid().empty() && !s.protected_header.contains("kid") &&
            !s.header.contains("kid")) {
            prot["kid"] = s.key.kid();
        }
        for (const auto& m : s.protected_header)
            prot.emplace(m.key(), m.value());
        if (options.unencoded) {
            prot["b64"] = false;
            prot["crit"] = json::array{"b64"};
        }
        if (auto joint = joint_header(prot, s.header); !joint) return std::move(joint).error();
        const std::string prot_b64 = base64url_encode(json::serialize(prot));
        auto sig = sign_bytes(s.alg, s.key, prot_b64 + "." + payload_part);
        if (!sig) return std::move(sig).error();
        json::object entry;
        entry["protected"] = prot_b64;
        if (!s.header.empty()) entry["header"] = s.header;
        entry["signature"] = base64url_encode(*sig);
        signatures.emplace_back(std::move(entry));
    }
    json::object out;
    if (!options.detached) out["payload"] = payload_part;
    if (options.flattened) {
        for (const auto& m : signatures[0].as_object())
            out.emplace(m.key(), m.value());
    } else {
        out["signatures"] = std::move(signatures);
    }
    return out;
}

Result<JwsJsonVerified> verify_json(std::string_view text, const KeySet& keys,
                                    const JwsVerifyOptions& options,
                                    std::optional<std::string_view> detached_payload) {
    if (options.algorithms.empty()) {
        return Error(Errc::invalid_argument, "verification needs an algorithm allow-list");
    }
    if (auto ok = detail::check_token_size(text.size(), options.limits, "JWS"); !ok) {
        return std::move(ok).error();
    }
    auto parsed = detail::parse_json_object_strict(text, options.limits.max_json_depth, "JWS JSON");
    if (!parsed) return std::move(parsed).error();
    const json::object& jws = *parsed;

    std::string payload_part;
    if (const json::value* p = jws.if_contains("payload")) {
        if (!p->is_string()) return Error(Errc::malformed, "\"payload\" is not a string");
        if (detached_payload) {
            return Error(Errc::malformed, "a detached payload was given but the JWS carries one");
        }
        payload_part = p->get_string();
    } else if (!detached_payload) {
        return Error(Errc::malformed, "the JWS JSON has no \"payload\" and none was given");
    }

    // General syntax: "signatures"; flattened: the members of one signature at the top (§7.2.2).
    json::array flattened;
    const json::array* signatures = nullptr;
    if (const json::value* s = jws.if_contains("signatures")) {
        if (!s->is_array() || s->get_array().empty()) {
            return Error(Errc::malformed, "\"signatures\" is not a non-empty array");
        }
        if (jws.contains("signature") || jws.contains("protected") || jws.contains("header")) {
            return Error(Errc::malformed, "both the general and the flattened syntax are used");
        }
        signatures = &s->get_array();
    } else {
        json::object only;
        for (std::string_view name : {"protected", "header", "signature"}) {
            if (const json::value* v = jws.if_contains(name)) only[name] = *v;
        }
        flattened.emplace_back(std::move(only));
        signatures = &flattened;
    }

    JwsJsonVerified out;
    std::optional<bool> unencoded;
    Result<void> first_error = Error(Errc::bad_signature, "no signature verified");
    bool have_error = false;
    std::string scratch;
    for (std::size_t i = 0; i < signatures->size(); ++i) {
        const json::value& sv = (*signatures)[i];
        if (!sv.is_object()) return Error(Errc::malformed, "a signature is not an object");
        const json::object& entry = sv.get_object();
        json::object prot;
        std::string prot_b64;
        if (const json::value* p = entry.if_contains("protected")) {
            if (!p->is_string()) return Error(Errc::malformed, "\"protected\" is not a string");
            prot_b64 = p->get_string();
            if (auto ok = detail::parse_header(prot_b64, options.limits, {}, scratch, prot); !ok) {
                return std::move(ok).error();
            }
        }
        json::object header;
        if (const json::value* h = entry.if_contains("header")) {
            if (!h->is_object()) return Error(Errc::malformed, "\"header\" is not an object");
            header = h->get_object();
        }
        const json::value* sig = entry.if_contains("signature");
        if (sig == nullptr || !sig->is_string()) {
            return Error(Errc::malformed, "a signature has no \"signature\" string");
        }
        // "crit" and "b64" must be integrity protected (RFC 7515 §4.1.11, RFC 7797 §3).
        if (header.contains("crit") || header.contains("b64")) {
            return Error(Errc::bad_header, "\"crit\" and \"b64\" belong in the protected header");
        }
        auto joint = joint_header(prot, header);
        if (!joint) return std::move(joint).error();
        auto info = detail::check_header(*joint, options.understood_crit, true);
        if (!info) return std::move(info).error();
        // RFC 7797 §3: every signature must agree on "b64".
        if (unencoded && *unencoded != info->unencoded) {
            return Error(Errc::bad_header, "the signatures disagree on \"b64\"");
        }
        unencoded = info->unencoded;
        out.protected_headers.push_back(prot);

        Result<void> result;
        auto alg = detail::check_alg(info->alg, options.algorithms);
        if (!alg) {
            result = std::move(alg).error();
        } else if (!base64url_decode_into(sig->get_string(), scratch)) {
            result = Error(Errc::bad_base64, "a signature is not canonical base64url");
        } else {
            std::string input = prot_b64 + ".";
            if (detached_payload) {
                if (info->unencoded) {
                    input.append(*detached_payload);
                } else {
                    base64url_encode_append(*detached_payload, input);
                }
            } else {
                input.append(payload_part);
            }
            result = detail::verify_signature(*alg, *info, *joint, input, scratch, keys, nullptr);
        }
        if (result) {
            out.verified.push_back(i);
        } else if (!have_error) {
            first_error = std::move(result);
            have_error = true;
        }
    }
    const bool accepted = options.require_all_signatures ? out.verified.size() == signatures->size()
                                                         : !out.verified.empty();
    if (!accepted) return std::move(first_error).error();
    if (detached_payload) {
        out.payload = std::string(*detached_payload);
    } else if (unencoded.value_or(false)) {
        out.payload = std::move(payload_part);
    } else {
        auto payload = base64url_decode(payload_part);
        if (!payload) return Error(Errc::bad_base64, "the JWS payload is not canonical base64url");
        out.payload = std::move(*payload);
    }
    return out;
}

}  // namespace signet::jws
