// JWE compact and JSON serializations (RFC 7516 §3, §5, §7).
#include "signet/jwe.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>

#include "crypto/crypto.hpp"
#include "deflate.hpp"
#include "flat_json.hpp"
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

Result<void> open(ContentEncryption enc, std::string_view cek, std::string_view iv,
                  std::string_view aad, std::string_view ciphertext, std::string_view tag,
                  std::string& out) {
    return is_gcm(enc) ? detail::aes_gcm_decrypt(cek, iv, aad, ciphertext, tag, out)
                       : detail::aes_cbc_hmac_decrypt(cek, iv, aad, ciphertext, tag, out);
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

// Decode buffers of this thread for the compact form: the IV (or first the header, which the
// JSON object then copies), the ciphertext, the tag, the encrypted key, and the header whose
// members decrypt_into reads in place.
std::string& jwe_scratch(int slot) {
    thread_local std::array<std::string, 5> buffers;
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

// A header member as the checks read it.
struct HeaderText {
    bool present = false, string = false;
    std::string_view value;  // when a string
};

// The members of one recipient's joint header that decryption reads, gathered in one pass over
// either form of the header: a JSON object, or the flat index of a compact token's header.
struct JweFields {
    HeaderText alg, enc, zip, kid, cty, typ;
    bool crit = false;

    void note(std::string_view name, bool is_string, std::string_view text) {
        if (name == "crit") crit = true;
        HeaderText* t = name == "alg"   ? &alg
                        : name == "enc" ? &enc
                        : name == "zip" ? &zip
                        : name == "kid" ? &kid
                        : name == "cty" ? &cty
                        : name == "typ" ? &typ
                                        : nullptr;
        if (t == nullptr) return;
        t->present = true;
        t->string = is_string;
        if (is_string) t->value = text;
    }
};

JweFields fields_of(const json::object& joint) {
    JweFields f;
    for (const auto& m : joint) {
        const bool is_string = m.value().is_string();
        f.note(m.key(), is_string,
               is_string ? std::string_view(m.value().get_string()) : std::string_view());
    }
    return f;
}

// Validates the joint header of one recipient against the options (RFC 7516 §5.2 steps 5-6).
// "zip" and "crit" must be integrity protected: `protected_header` is where they are looked for,
// nullptr when the joint header is the protected header itself and holds no "crit".
Result<Algorithms> check_jwe_fields(const JweFields& f, const json::object* protected_header,
                                    const JweDecryptOptions& options) {
    Algorithms out{};
    if (!f.alg.present) return Error(Errc::malformed, "the JWE header has no \"alg\"");
    if (!f.enc.present) return Error(Errc::malformed, "the JWE header has no \"enc\"");
    if (!f.alg.string) return Error(Errc::bad_header, "\"alg\" is not a string");
    if (!f.enc.string) return Error(Errc::bad_header, "\"enc\" is not a string");
    const auto km = parse_key_management(f.alg.value);
    if (!km) {
        return Error(Errc::unsupported_alg,
                     "unsupported JWE \"alg\" \"" + std::string(f.alg.value.substr(0, 32)) + "\"");
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
    const auto ce = parse_content_encryption(f.enc.value);
    if (!ce) {
        return Error(Errc::unsupported_enc,
                     "unsupported \"enc\" \"" + std::string(f.enc.value.substr(0, 32)) + "\"");
    }
    if (!options.encryptions.empty() &&
        std::find(options.encryptions.begin(), options.encryptions.end(), *ce) ==
            options.encryptions.end()) {
        return Error(Errc::enc_not_allowed,
                     "\"enc\" " + std::string(to_string(*ce)) + " is not allowed");
    }
    if (f.zip.present) {
        // RFC 7516 §4.1.3: "DEF" is the only registered value; it must be integrity protected.
        if (!f.zip.string || f.zip.value != "DEF" ||
            (protected_header != nullptr && !protected_header->contains("zip"))) {
            return Error(Errc::unsupported_zip, "\"zip\" must be \"DEF\" in the protected header");
        }
        out.compressed = true;
    }
    if (f.crit) {
        if (protected_header == nullptr || !protected_header->contains("crit"))
            return Error(Errc::unsupported_crit, "\"crit\" must be in the protected header");
        if (auto ok = detail::check_crit(*protected_header, options.understood_crit, false); !ok)
            return std::move(ok).error();
    }
    if (f.kid.present) {
        if (!f.kid.string) return Error(Errc::bad_header, "\"kid\" is not a string");
        out.kid = f.kid.value;
    }
    out.alg = *km;
    out.enc = *ce;
    return out;
}

Result<Algorithms> check_jwe_header(const json::object& joint, const json::object& protected_header,
                                    const JweDecryptOptions& options) {
    return check_jwe_fields(fields_of(joint), &protected_header, options);
}

// The plaintext goes into `out` (its capacity reused); on failure `out` is empty.
Result<void> decrypt_with_key(const Algorithms& a, const Jwk& key, const json::object& joint,
                              std::string_view encrypted_key, const Body& body,
                              const JweDecryptOptions& options, std::string& out) {
    auto cek = detail::unwrap_cek(a.alg, a.enc, key, joint, encrypted_key, options);
    if (!cek) return std::move(cek).error();
    std::string aad_storage;
    if (auto ok =
            open(a.enc, *cek, body.iv, full_aad(body, aad_storage), body.ciphertext, body.tag, out);
        !ok) {
        return ok;
    }
    if (!a.compressed) return {};
    auto inflated = detail::inflate_raw(out, options.max_decompressed_size);
    if (!inflated) {
        out.clear();
        return std::move(inflated).error();
    }
    out = std::move(*inflated);
    return {};
}

// One recipient: select the key by "kid" or by fit, then decrypt (RFC 7516 §5.2 steps 6-17).
Result<void> decrypt_recipient(const Algorithms& a, const KeySet& keys, const json::object& joint,
                               std::string_view encrypted_key, const Body& body,
                               const JweDecryptOptions& options, std::string& out) {
    if (a.kid) {
        if (const Jwk* key = keys.find(*a.kid)) {
            if (auto ok = key->check_usable(a.alg, KeyOperation::decrypt, a.enc); !ok) {
                return std::move(ok).error();
            }
            return decrypt_with_key(a, *key, joint, encrypted_key, body, options, out);
        }
    }
    // As for signatures: without a "kid" every fitting key is tried; when no key carries the
    // token's "kid", keys without a "kid" of their own still qualify (RFC 7516 §4.1.6 hint).
    std::size_t tried = 0;
    Result<void> last =
        Error(Errc::key_not_found, a.kid ? std::string("no key has the token's \"kid\"")
                                         : "no key fits \"alg\" " + std::string(to_string(a.alg)));
    for (const Jwk& key : keys) {
        if (a.kid && !key.kid().empty()) continue;
        if (!key.allows(a.alg, KeyOperation::decrypt, a.enc)) continue;
        last = decrypt_with_key(a, key, joint, encrypted_key, body, options, out);
        if (last || last.code() == Errc::decompressed_too_large || last.code() == Errc::pbes2_limit)
            return last;
        if (++tried == kMaxCandidateKeys) break;
    }
    return last;
}

Result<std::string> decrypt_recipient(const Algorithms& a, const KeySet& keys,
                                      const json::object& joint, std::string_view encrypted_key,
                                      const Body& body, const JweDecryptOptions& options) {
    std::string out;
    if (auto ok = decrypt_recipient(a, keys, joint, encrypted_key, body, options, out); !ok)
        return std::move(ok).error();
    return out;
}

// A base64url member or segment of a JWE, decoded into `out` (its capacity reused).
Result<void> b64_into(std::string_view text, std::string_view what, std::string& out) {
    if (!base64url_decode_into(text, out)) {
        return Error(Errc::bad_base64,
                     "the JWE " + std::string(what) + " is not canonical base64url");
    }
    return {};
}

Result<std::string> b64(std::string_view text, std::string_view what) {
    std::string out;
    if (auto ok = b64_into(text, what, out); !ok) return std::move(ok).error();
    return out;
}

Result<std::string> prepare_plaintext(std::string_view plaintext, bool compress) {
    if (!compress) return std::string(plaintext);
    return detail::deflate_raw(plaintext);
}

// Headers with more members go the way of the full parser.
constexpr std::size_t kMaxFlatHeaderMembers = 16;

// The five segments of a compact JWE (RFC 7516 §7.1), within the size limit.
Result<std::array<std::string_view, 5>> split_compact_jwe(std::string_view token,
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
    return parts;
}

// The compact form's IV, ciphertext and tag, decoded into this thread's buffers.
Result<void> decode_content(const std::array<std::string_view, 5>& parts, Body& body) {
    const std::pair<std::string_view, const char*> segments[] = {
        {parts[2], "IV"}, {parts[3], "ciphertext"}, {parts[4], "tag"}};
    for (int i = 0; i < 3; ++i) {
        if (auto ok = b64_into(segments[i].first, segments[i].second, jwe_scratch(i)); !ok)
            return ok;
    }
    body.iv = jwe_scratch(0);
    body.ciphertext = jwe_scratch(1);
    body.tag = jwe_scratch(2);
    return {};
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
    auto parts = split_compact_jwe(token, options);
    if (!parts) return std::move(parts).error();
    // The header lives in its own arena (one allocation) and leaves in the result by move
    // construction, which keeps the arena.
    const json::storage_ptr sp = detail::JsonArena::make();
    Body body(sp);
    body.protected_b64 = (*parts)[0];
    if (auto ok = detail::parse_header((*parts)[0], options.limits, sp, jwe_scratch(0),
                                       body.protected_header);
        !ok) {
        return std::move(ok).error();
    }
    auto a = check_jwe_header(body.protected_header, body.protected_header, options);
    if (!a) return std::move(a).error();
    std::string& encrypted_key = jwe_scratch(3);
    if (auto ok = b64_into((*parts)[1], "encrypted key", encrypted_key); !ok) return ok.error();
    if (auto ok = decode_content(*parts, body); !ok) return ok.error();
    auto plaintext =
        decrypt_recipient(*a, keys, body.protected_header, encrypted_key, body, options);
    if (!plaintext) return std::move(plaintext).error();
    return DecryptedJwe{std::move(*plaintext), std::move(body.protected_header), {}, {}, {}, 0};
}

namespace {

Result<void> decrypt_into(std::string_view token, const KeySet& keys,
                          const JweDecryptOptions& options, DecryptedCompactJwe& out) {
    auto parts = split_compact_jwe(token, options);
    if (!parts) return std::move(parts).error();
    // The usual header (flat, no "crit", key management that reads nothing from it) is checked
    // from the flat index; any other goes the way of decrypt(), which also reports its errors.
    std::string& header_json = jwe_scratch(4);
    std::array<ClaimsView::Member, kMaxFlatHeaderMembers> members;
    std::size_t count = 0;
    JweFields f;
    bool flat =
        base64url_decode_into((*parts)[0], header_json) &&
        detail::index_flat_object(header_json, options.limits.max_json_depth, members, count) &&
        count <= options.limits.max_header_members;
    if (flat) {
        for (std::size_t i = 0; i < count; ++i) {
            const ClaimsView::Member& m = members[i];
            f.note(std::string_view(header_json).substr(m.name_at, m.name_len),
                   m.kind == ClaimsView::Kind::string,
                   std::string_view(header_json).substr(m.value_at, m.value_len));
        }
        const auto km = f.alg.string ? parse_key_management(f.alg.value) : std::nullopt;
        flat = !f.crit && !(km && detail::reads_header(*km));
    }
    // The header's own strings, which `f` points into, must outlive this.
    const auto report = [&out](const JweFields& fields) {
        const auto text = [](const HeaderText& t, std::string& to) {
            if (t.string) {
                to.assign(t.value);
            } else {
                to.clear();
            }
        };
        text(fields.kid, out.kid);
        text(fields.cty, out.cty);
        text(fields.typ, out.typ);
    };
    if (!flat) {
        auto full = decrypt(token, keys, options);
        if (!full) return std::move(full).error();
        out.plaintext = std::move(full->plaintext);
        const JweFields checked = fields_of(full->protected_header);
        // decrypt() accepted these, so they parse.
        out.alg = *parse_key_management(checked.alg.value);
        out.enc = *parse_content_encryption(checked.enc.value);
        report(checked);
        return {};
    }
    auto a = check_jwe_fields(f, nullptr, options);
    if (!a) return std::move(a).error();
    std::string& encrypted_key = jwe_scratch(3);
    if (auto ok = b64_into((*parts)[1], "encrypted key", encrypted_key); !ok) return ok;
    Body body;
    body.protected_b64 = (*parts)[0];
    if (auto ok = decode_content(*parts, body); !ok) return ok;
    static const json::object no_header;  // the key management here reads none of it
    if (auto ok =
            decrypt_recipient(*a, keys, no_header, encrypted_key, body, options, out.plaintext);
        !ok) {
        return ok;
    }
    out.alg = a->alg;
    out.enc = a->enc;
    report(f);
    return {};
}

}  // namespace

Result<void> decrypt(std::string_view token, const KeySet& keys, const JweDecryptOptions& options,
                     DecryptedCompactJwe& out) {
    auto ok = decrypt_into(token, keys, options, out);
    if (!ok) {
        out.plaintext.clear();
        out.kid.clear();
        out.cty.clear();
        out.typ.clear();
    }
    return ok;
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
