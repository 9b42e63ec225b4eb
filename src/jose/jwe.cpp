// JWE compact and JSON serializations (RFC 7516 §3, §5, §7).
#include "signet/jwe.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>

#include "crypto/crypto.hpp"
#include "deflate.hpp"
#include "json_arena.hpp"
#include "json_strict.hpp"
#include "jwe_key_management.hpp"
#include "jws_internal.hpp"
#include "signet/base64url.hpp"

namespace signet {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxCandidateKeys = 16;

bool is_gcm(ContentEncryption enc) {
    return enc == ContentEncryption::A128GCM || enc == ContentEncryption::A192GCM ||
           enc == ContentEncryption::A256GCM;
}

std::string random_string(std::size_t size) {
    std::string out(size, '\0');
    detail::random_bytes(out.data(), out.size());
    return out;
}

Result<detail::Sealed> seal(ContentEncryption enc, std::string_view cek, std::string_view iv,
                            std::string_view aad, std::string_view plaintext) {
    return is_gcm(enc) ? detail::aes_gcm_encrypt(cek, iv, aad, plaintext)
                       : detail::aes_cbc_hmac_encrypt(cek, iv, aad, plaintext);
}

Result<std::string> open(ContentEncryption enc, std::string_view cek, std::string_view iv,
                         std::string_view aad, std::string_view ciphertext, std::string_view tag) {
    return is_gcm(enc) ? detail::aes_gcm_decrypt(cek, iv, aad, ciphertext, tag)
                       : detail::aes_cbc_hmac_decrypt(cek, iv, aad, ciphertext, tag);
}

// The parts of a JWE shared by both serializations, decoded.
struct Body {
    // `sp`: the storage of the protected header.
    explicit Body(json::storage_ptr sp = {}) : protected_header(std::move(sp)) {}

    std::string_view protected_b64;  // as transmitted (held by the caller): the AAD's start
    json::object protected_header;
    json::object unprotected;
    std::string aad;  // decoded JSON "aad"
    std::string aad_b64;
    bool has_aad = false;
    std::string_view iv, ciphertext, tag;  // decoded, held by the caller
};

// RFC 7516 §5.1 step 14: ASCII(BASE64URL(protected)) [ "." BASE64URL(aad) ]; without "aad"
// (always so for the compact form) that is the encoded header itself, and nothing is copied.
std::string_view full_aad(const Body& body, std::string& storage) {
    if (!body.has_aad) return body.protected_b64;
    storage.assign(body.protected_b64);
    storage.push_back('.');
    storage.append(body.aad_b64);
    return storage;
}

// Decode buffers of this thread for the compact form's IV, ciphertext and tag.
std::string& jwe_scratch(int slot) {
    thread_local std::array<std::string, 3> buffers;
    return buffers[static_cast<std::size_t>(slot)];
}

// Joins header objects, which RFC 7516 §7.2.1 requires to be disjoint.
Result<json::object> join_headers(std::initializer_list<const json::object*> parts) {
    json::object joint;
    for (const json::object* part : parts) {
        for (const auto& m : *part) {
            if (joint.contains(m.key())) {
                return Error(Errc::bad_header,
                             "the header parameter \"" + std::string(m.key()) + "\" appears twice");
            }
            joint.emplace(m.key(), m.value());
        }
    }
    return joint;
}

struct Algorithms {
    KeyManagement alg;
    ContentEncryption enc;
    std::optional<std::string_view> kid;
    bool compressed = false;
};

// Validates the joint header of one recipient against the options (RFC 7516 §5.2 steps 5-6).
Result<Algorithms> check_jwe_header(const json::object& joint, const json::object& protected_header,
                                    const JweDecryptOptions& options) {
    Algorithms out{};
    // One pass over the members instead of a lookup per name: a joint header is a few members.
    const json::value *alg = nullptr, *enc = nullptr, *zip = nullptr, *kid = nullptr;
    bool crit = false;
    for (const auto& m : joint) {
        const std::string_view name = m.key();
        if (name == "alg") {
            alg = &m.value();
        } else if (name == "enc") {
            enc = &m.value();
        } else if (name == "zip") {
            zip = &m.value();
        } else if (name == "kid") {
            kid = &m.value();
        } else if (name == "crit") {
            crit = true;
        }
    }
    if (alg == nullptr) return Error(Errc::malformed, "the JWE header has no \"alg\"");
    if (enc == nullptr) return Error(Errc::malformed, "the JWE header has no \"enc\"");
    if (!alg->is_string()) return Error(Errc::bad_header, "\"alg\" is not a string");
    if (!enc->is_string()) return Error(Errc::bad_header, "\"enc\" is not a string");
    const auto km = parse_key_management(alg->get_string());
    if (!km) {
        return Error(
            Errc::unsupported_alg,
            "unsupported JWE \"alg\" \"" + std::string(alg->get_string().subview(0, 32)) + "\"");
    }
    if (std::find(options.algorithms.begin(), options.algorithms.end(), *km) ==
        options.algorithms.end()) {
        return Error(Errc::alg_not_allowed,
                     "\"alg\" " + std::string(to_string(*km)) + " is not allowed");
    }
    if (*km == KeyManagement::RSA1_5 && !options.allow_rsa1_5_unsafe) {
        return Error(Errc::alg_not_allowed,
                     "RSA1_5 is refused unless explicitly enabled (RFC 8725 §3.2)");
    }
    const auto ce = parse_content_encryption(enc->get_string());
    if (!ce) {
        return Error(
            Errc::unsupported_enc,
            "unsupported \"enc\" \"" + std::string(enc->get_string().subview(0, 32)) + "\"");
    }
    if (!options.encryptions.empty() &&
        std::find(options.encryptions.begin(), options.encryptions.end(), *ce) ==
            options.encryptions.end()) {
        return Error(Errc::enc_not_allowed,
                     "\"enc\" " + std::string(to_string(*ce)) + " is not allowed");
    }
    if (zip != nullptr) {
        // RFC 7516 §4.1.3: "DEF" is the only registered value; it must be integrity protected.
        if (!zip->is_string() || zip->get_string() != "DEF" || !protected_header.contains("zip")) {
            return Error(Errc::unsupported_zip, "\"zip\" must be \"DEF\" in the protected header");
        }
        out.compressed = true;
    }
    if (crit) {
        if (!protected_header.contains("crit"))
            return Error(Errc::unsupported_crit, "\"crit\" must be in the protected header");
        if (auto ok = detail::check_crit(protected_header, options.understood_crit, false); !ok)
            return std::move(ok).error();
    }
    if (kid != nullptr) {
        if (!kid->is_string()) return Error(Errc::bad_header, "\"kid\" is not a string");
        out.kid = std::string_view(kid->get_string());
    }
    out.alg = *km;
    out.enc = *ce;
    return out;
}

Result<std::string> decrypt_with_key(const Algorithms& a, const Jwk& key, const json::object& joint,
                                     std::string_view encrypted_key, const Body& body,
                                     const JweDecryptOptions& options) {
    auto cek = detail::unwrap_cek(a.alg, a.enc, key, joint, encrypted_key, options);
    if (!cek) return std::move(cek).error();
    std::string aad_storage;
    auto plaintext =
        open(a.enc, *cek, body.iv, full_aad(body, aad_storage), body.ciphertext, body.tag);
    if (!plaintext) return std::move(plaintext).error();
    if (!a.compressed) return plaintext;
    return detail::inflate_raw(*plaintext, options.max_decompressed_size);
}

// One recipient: select the key by "kid" or by fit, then decrypt (RFC 7516 §5.2 steps 6-17).
Result<std::string> decrypt_recipient(const Algorithms& a, const KeySet& keys,
                                      const json::object& joint, std::string_view encrypted_key,
                                      const Body& body, const JweDecryptOptions& options) {
    if (a.kid) {
        if (const Jwk* key = keys.find(*a.kid)) {
            if (auto ok = key->check_usable(a.alg, KeyOperation::decrypt, a.enc); !ok) {
                return std::move(ok).error();
            }
            return decrypt_with_key(a, *key, joint, encrypted_key, body, options);
        }
    }
    // As for signatures: without a "kid" every fitting key is tried; when no key carries the
    // token's "kid", keys without a "kid" of their own still qualify (RFC 7516 §4.1.6 hint).
    std::size_t tried = 0;
    Result<std::string> last =
        Error(Errc::key_not_found, a.kid ? std::string("no key has the token's \"kid\"")
                                         : "no key fits \"alg\" " + std::string(to_string(a.alg)));
    for (const Jwk& key : keys) {
        if (a.kid && !key.kid().empty()) continue;
        if (!key.allows(a.alg, KeyOperation::decrypt, a.enc)) continue;
        last = decrypt_with_key(a, key, joint, encrypted_key, body, options);
        if (last || last.code() == Errc::decompressed_too_large || last.code() == Errc::pbes2_limit)
            return last;
        if (++tried == kMaxCandidateKeys) break;
    }
    return last;
}

Result<std::string> b64(std::string_view text, std::string_view what) {
    std::string out;
    if (!base64url_decode_into(text, out)) {
        return Error(Errc::bad_base64,
                     "the JWE " + std::string(what) + " is not canonical base64url");
    }
    return out;
}

Result<std::string> prepare_plaintext(std::string_view plaintext, bool compress) {
    if (!compress) return std::string(plaintext);
    return detail::deflate_raw(plaintext);
}

}  // namespace

namespace jwe {

Result<std::string> encrypt(std::string_view plaintext, const Jwk& key, KeyManagement alg,
                            ContentEncryption enc, const JweEncryptOptions& options) {
    for (std::string_view reserved : {"alg", "enc", "zip"}) {
        if (options.header.contains(reserved)) {
            return Error(Errc::invalid_argument,
                         "\"" + std::string(reserved) + "\" is set by encrypt itself");
        }
    }
    detail::KeyManagementInput input{options.pbes2_count, options.apu, options.apv,
                                     options.allow_rsa1_5_unsafe};
    auto wrapped = detail::wrap_cek(alg, enc, key, input, std::nullopt);
    if (!wrapped) return std::move(wrapped).error();
    json::object header;
    header["alg"] = to_string(alg);
    header["enc"] = to_string(enc);
    if (options.compress) header["zip"] = "DEF";
    if (options.include_kid && !key.kid().empty() && !options.header.contains("kid"))
        header["kid"] = key.kid();
    for (const auto& m : options.header)
        header.emplace(m.key(), m.value());
    for (const auto& m : wrapped->header) {
        if (header.contains(m.key())) {
            return Error(Errc::invalid_argument,
                         "\"" + std::string(m.key()) + "\" is set by the key management");
        }
        header.emplace(m.key(), m.value());
    }
    std::string compressed;
    std::string_view content = plaintext;
    if (options.compress) {
        auto deflated = detail::deflate_raw(plaintext);
        if (!deflated) return std::move(deflated).error();
        compressed = std::move(*deflated);
        content = compressed;
    }
    const std::string header_json = json::serialize(header);
    const std::string iv = random_string(is_gcm(enc) ? 12 : 16);
    const auto encoded = [](std::size_t n) { return n / 3 * 4 + (n % 3 == 0 ? 0 : n % 3 + 1); };
    std::string token;
    token.reserve(encoded(header_json.size()) + encoded(wrapped->encrypted_key.size()) +
                  encoded(iv.size()) + encoded(content.size() + 16) + encoded(32) + 4);
    // The encoded header is both the token's first segment and the AAD (RFC 7516 §5.1 step 14).
    base64url_encode_append(header_json, token);
    auto sealed = seal(enc, wrapped->cek, iv, token, content);
    if (!sealed) return std::move(sealed).error();
    for (std::string_view part :
         {std::string_view(wrapped->encrypted_key), std::string_view(iv),
          std::string_view(sealed->ciphertext), std::string_view(sealed->tag)}) {
        token.push_back('.');
        base64url_encode_append(part, token);
    }
    return token;
}

Result<DecryptedJwe> decrypt(std::string_view token, const KeySet& keys,
                             const JweDecryptOptions& options) {
    if (options.algorithms.empty())
        return Error(Errc::invalid_argument, "decryption needs an \"alg\" allow-list");
    if (auto ok = detail::check_token_size(token.size(), options.limits, "token"); !ok) {
        return std::move(ok).error();
    }
    std::array<std::string_view, 5> parts;
    std::size_t count = 0, start = 0;
    for (;;) {
        const std::size_t dot = token.find('.', start);
        if (count == parts.size()) return Error(Errc::malformed, "a compact JWE has five segments");
        parts[count++] = token.substr(start, dot == std::string_view::npos ? dot : dot - start);
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    if (count != 5) {
        return Error(Errc::malformed, count == 3 ? "three segments: a JWS, not a JWE"
                                                 : "a compact JWE has five segments");
    }
    if (parts[0].empty()) return Error(Errc::malformed, "the JWE protected header is empty");
    // The header lives in its own arena (one allocation) and leaves in the result by move
    // construction, which keeps the arena.
    const json::storage_ptr sp = detail::JsonArena::make();
    Body body(sp);
    body.protected_b64 = parts[0];
    if (auto ok = detail::parse_header(parts[0], options.limits, sp, jwe_scratch(0),
                                       body.protected_header);
        !ok) {
        return std::move(ok).error();
    }
    auto a = check_jwe_header(body.protected_header, body.protected_header, options);
    if (!a) return std::move(a).error();
    auto encrypted_key = b64(parts[1], "encrypted key");
    if (!encrypted_key) return std::move(encrypted_key).error();
    const std::pair<std::string_view, const char*> segments[] = {
        {parts[2], "IV"}, {parts[3], "ciphertext"}, {parts[4], "tag"}};
    for (int i = 0; i < 3; ++i) {
        std::string& decoded = jwe_scratch(i);
        if (!base64url_decode_into(segments[i].first, decoded)) {
            return Error(Errc::bad_base64, "the JWE " + std::string(segments[i].second) +
                                               " is not canonical base64url");
        }
    }
    body.iv = jwe_scratch(0);
    body.ciphertext = jwe_scratch(1);
    body.tag = jwe_scratch(2);
    auto plaintext =
        decrypt_recipient(*a, keys, body.protected_header, *encrypted_key, body, options);
    if (!plaintext) return std::move(plaintext).error();
    return DecryptedJwe{std::move(*plaintext), std::move(body.protected_header), {}, {}, {}, 0};
}

Result<json::object> encrypt_json(std::string_view plaintext,
                                  std::span<const JweRecipient> recipients, ContentEncryption enc,
                                  const JweJsonOptions& options) {
    if (recipients.empty())
        return Error(Errc::invalid_argument, "a JWE needs at least one recipient");
    if (options.flattened && recipients.size() != 1) {
        return Error(Errc::invalid_argument, "the flattened syntax has exactly one recipient");
    }
    json::object protected_header = options.protected_header;
    if (protected_header.contains("enc") || protected_header.contains("zip")) {
        return Error(Errc::invalid_argument, "\"enc\" and \"zip\" are set by encrypt_json itself");
    }
    protected_header["enc"] = to_string(enc);
    if (options.compress) protected_header["zip"] = "DEF";

    // One CEK for all recipients, unless a single recipient's algorithm determines it.
    std::optional<std::string> shared_cek;
    if (recipients.size() > 1 || !detail::determines_cek(recipients[0].alg)) {
        shared_cek = random_string(cek_bytes(enc));
    }
    json::array out_recipients;
    std::string cek;
    for (const JweRecipient& r : recipients) {
        detail::KeyManagementInput input{options.pbes2_count, {}, {}, options.allow_rsa1_5_unsafe};
        auto wrapped = detail::wrap_cek(
            r.alg, enc, r.key, input,
            shared_cek ? std::optional<std::string_view>(*shared_cek) : std::nullopt);
        if (!wrapped) return std::move(wrapped).error();
        json::object header = r.header;
        for (std::string_view reserved : {"alg", "enc", "zip"}) {
            if (header.contains(reserved)) {
                return Error(Errc::invalid_argument,
                             "\"" + std::string(reserved) + "\" is set by encrypt_json itself");
            }
        }
        header["alg"] = to_string(r.alg);
        if (!r.key.kid().empty() && !header.contains("kid")) header["kid"] = r.key.kid();
        for (const auto& m : wrapped->header) {
            if (header.contains(m.key())) {
                return Error(Errc::invalid_argument,
                             "\"" + std::string(m.key()) + "\" is set by the key management");
            }
            header.emplace(m.key(), m.value());
        }
        if (auto joint = join_headers({&protected_header, &options.unprotected_header, &header});
            !joint) {
            return std::move(joint).error();
        }
        json::object entry;
        entry["header"] = std::move(header);
        if (!wrapped->encrypted_key.empty())
            entry["encrypted_key"] = base64url_encode(wrapped->encrypted_key);
        out_recipients.emplace_back(std::move(entry));
        cek = std::move(wrapped->cek);
    }
    auto content = prepare_plaintext(plaintext, options.compress);
    if (!content) return std::move(content).error();
    Body body;
    const std::string protected_b64 = base64url_encode(json::serialize(protected_header));
    body.protected_b64 = protected_b64;
    body.has_aad = !options.aad.empty();
    body.aad_b64 = base64url_encode(options.aad);
    const std::string iv = random_string(is_gcm(enc) ? 12 : 16);
    std::string aad_storage;
    auto sealed = seal(enc, cek, iv, full_aad(body, aad_storage), *content);
    if (!sealed) return std::move(sealed).error();

    json::object out;
    out["protected"] = body.protected_b64;
    if (!options.unprotected_header.empty()) out["unprotected"] = options.unprotected_header;
    if (options.flattened) {
        json::object& only = out_recipients[0].as_object();
        out["header"] = only["header"];
        if (only.contains("encrypted_key")) out["encrypted_key"] = only["encrypted_key"];
    } else {
        out["recipients"] = std::move(out_recipients);
    }
    if (body.has_aad) out["aad"] = body.aad_b64;
    out["iv"] = base64url_encode(iv);
    out["ciphertext"] = base64url_encode(sealed->ciphertext);
    out["tag"] = base64url_encode(sealed->tag);
    return out;
}

Result<DecryptedJwe> decrypt_json(std::string_view text, const KeySet& keys,
                                  const JweDecryptOptions& options) {
    if (options.algorithms.empty())
        return Error(Errc::invalid_argument, "decryption needs an \"alg\" allow-list");
    if (auto ok = detail::check_token_size(text.size(), options.limits, "JWE"); !ok) {
        return std::move(ok).error();
    }
    auto parsed = detail::parse_json_object_strict(text, options.limits.max_json_depth, "JWE JSON");
    if (!parsed) return std::move(parsed).error();
    const json::object& jwe = *parsed;
    const auto string_member = [&](std::string_view name,
                                   bool required) -> Result<std::optional<std::string>> {
        const json::value* v = jwe.if_contains(name);
        if (v == nullptr) {
            if (required)
                return Error(Errc::malformed, "the JWE JSON lacks \"" + std::string(name) + "\"");
            return std::optional<std::string>();
        }
        if (!v->is_string())
            return Error(Errc::malformed, "\"" + std::string(name) + "\" is not a string");
        return std::optional<std::string>(std::string(v->get_string()));
    };
    Body body;
    auto prot = string_member("protected", false);
    if (!prot) return std::move(prot).error();
    if (*prot) {
        body.protected_b64 = **prot;
        std::string scratch;
        if (auto ok = detail::parse_header(body.protected_b64, options.limits, {}, scratch,
                                           body.protected_header);
            !ok) {
            return std::move(ok).error();
        }
    }
    if (const json::value* u = jwe.if_contains("unprotected")) {
        if (!u->is_object()) return Error(Errc::malformed, "\"unprotected\" is not an object");
        body.unprotected = u->get_object();
    }
    auto aad = string_member("aad", false);
    if (!aad) return std::move(aad).error();
    if (*aad) {
        auto decoded = b64(**aad, "aad");
        if (!decoded) return std::move(decoded).error();
        body.has_aad = true;
        body.aad_b64 = **aad;
        body.aad = std::move(*decoded);
    }
    std::string iv, ciphertext, tag;
    for (auto [name, field] : {std::pair{"iv", &iv}, {"ciphertext", &ciphertext}, {"tag", &tag}}) {
        auto value = string_member(name, true);
        if (!value) return std::move(value).error();
        auto decoded = b64(**value, name);
        if (!decoded) return std::move(decoded).error();
        *field = std::move(*decoded);
    }
    body.iv = iv;
    body.ciphertext = ciphertext;
    body.tag = tag;
    // General syntax: "recipients"; flattened: "header" and "encrypted_key" at the top (§7.2.2).
    json::array flattened;
    const json::array* recipients = nullptr;
    if (const json::value* r = jwe.if_contains("recipients")) {
        if (!r->is_array() || r->get_array().empty())
            return Error(Errc::malformed, "\"recipients\" is not a non-empty array");
        if (jwe.contains("header") || jwe.contains("encrypted_key")) {
            return Error(Errc::malformed, "both the general and the flattened syntax are used");
        }
        recipients = &r->get_array();
    } else {
        json::object only;
        if (const json::value* h = jwe.if_contains("header")) only["header"] = *h;
        if (const json::value* k = jwe.if_contains("encrypted_key")) only["encrypted_key"] = *k;
        flattened.emplace_back(std::move(only));
        recipients = &flattened;
    }
    Result<std::string> last = Error(Errc::key_not_found, "no recipient could be decrypted");
    const json::object empty;
    for (std::size_t i = 0; i < recipients->size(); ++i) {
        const json::value& rv = (*recipients)[i];
        if (!rv.is_object()) return Error(Errc::malformed, "a recipient is not an object");
        const json::object& recipient = rv.get_object();
        const json::object* header = &empty;
        if (const json::value* h = recipient.if_contains("header")) {
            if (!h->is_object())
                return Error(Errc::malformed, "a recipient \"header\" is not an object");
            header = &h->get_object();
        }
        std::string encrypted_key;
        if (const json::value* k = recipient.if_contains("encrypted_key")) {
            if (!k->is_string()) return Error(Errc::malformed, "\"encrypted_key\" is not a string");
            auto decoded = b64(k->get_string(), "encrypted key");
            if (!decoded) return std::move(decoded).error();
            encrypted_key = std::move(*decoded);
        }
        auto joint = join_headers({&body.protected_header, &body.unprotected, header});
        if (!joint) return std::move(joint).error();
        auto a = check_jwe_header(*joint, body.protected_header, options);
        if (!a) {
            if (i == 0 || last.code() == Errc::key_not_found) last = std::move(a).error();
            continue;
        }
        auto plaintext = decrypt_recipient(*a, keys, *joint, encrypted_key, body, options);
        if (plaintext) {
            DecryptedJwe out;
            out.plaintext = std::move(*plaintext);
            out.protected_header = std::move(body.protected_header);
            out.unprotected_header = std::move(body.unprotected);
            out.recipient_header = *header;
            out.aad = std::move(body.aad);
            out.recipient = i;
            return out;
        }
        // A recipient we hold no key for is skipped; any other failure is the more telling one.
        if (plaintext.code() != Errc::key_not_found || last.code() == Errc::key_not_found)
            last = std::move(plaintext);
    }
    return std::move(last).error();
}

}  // namespace jwe
}  // namespace signet
