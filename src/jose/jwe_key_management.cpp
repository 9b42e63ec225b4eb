// Key management algorithms of RFC 7518 §4 on top of the crypto layer.
#include "jwe_key_management.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "crypto/crypto.hpp"
#include "signet/base64url.hpp"

namespace signet::detail {

namespace json = boost::json;

namespace {

Error failed() {
    return Error(Errc::decryption_failed, "decryption failed");
}

bool is_ecdh(KeyManagement alg) {
    return alg == KeyManagement::ECDH_ES || alg == KeyManagement::ECDH_ES_A128KW ||
           alg == KeyManagement::ECDH_ES_A192KW || alg == KeyManagement::ECDH_ES_A256KW;
}
bool is_aes_kw(KeyManagement alg) {
    return alg == KeyManagement::A128KW || alg == KeyManagement::A192KW ||
           alg == KeyManagement::A256KW;
}
bool is_gcm_kw(KeyManagement alg) {
    return alg == KeyManagement::A128GCMKW || alg == KeyManagement::A192GCMKW ||
           alg == KeyManagement::A256GCMKW;
}
bool is_pbes2(KeyManagement alg) {
    return alg == KeyManagement::PBES2_HS256_A128KW || alg == KeyManagement::PBES2_HS384_A192KW ||
           alg == KeyManagement::PBES2_HS512_A256KW;
}
Hash pbes2_hash(KeyManagement alg) {
    return alg == KeyManagement::PBES2_HS256_A128KW   ? Hash::sha256
           : alg == KeyManagement::PBES2_HS384_A192KW ? Hash::sha384
                                                      : Hash::sha512;
}
RsaPadding rsa_padding(KeyManagement alg) {
    return alg == KeyManagement::RSA1_5     ? RsaPadding::pkcs1_v1_5
           : alg == KeyManagement::RSA_OAEP ? RsaPadding::oaep_sha1
                                            : RsaPadding::oaep_sha256;
}

std::string random_string(std::size_t size) {
    std::string out(size, '\0');
    random_bytes(out.data(), out.size());
    return out;
}

void append_u32(std::string& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<char>((v >> shift) & 0xff));
}

// RFC 7518 §4.6.2: OtherInfo = AlgorithmID || PartyUInfo || PartyVInfo || SuppPubInfo, each datum
// prefixed with its 32-bit big-endian length; SuppPubInfo is the key length in bits.
std::string concat_kdf_other_info(std::string_view algorithm_id, std::string_view apu,
                                  std::string_view apv, std::size_t key_bytes) {
    std::string info;
    append_u32(info, static_cast<std::uint32_t>(algorithm_id.size()));
    info.append(algorithm_id);
    append_u32(info, static_cast<std::uint32_t>(apu.size()));
    info.append(apu);
    append_u32(info, static_cast<std::uint32_t>(apv.size()));
    info.append(apv);
    append_u32(info, static_cast<std::uint32_t>(key_bytes * 8));
    return info;
}

// The key ECDH-ES derives: the CEK itself (direct) or the AES key wrapping key.
Result<std::string> ecdh_derive(KeyManagement alg, ContentEncryption enc, const KeyMaterial& own,
                                const KeyMaterial& peer, std::string_view apu,
                                std::string_view apv) {
    auto z = ecdh_shared_secret(own, peer);
    if (!z) return std::move(z).error();
    const bool direct = alg == KeyManagement::ECDH_ES;
    const std::size_t size = direct ? cek_bytes(enc) : wrap_key_bytes(alg);
    const std::string_view id = direct ? to_string(enc) : to_string(alg);
    return concat_kdf_sha256(*z, concat_kdf_other_info(id, apu, apv, size), size);
}

// PBES2 (RFC 7518 §4.8.1.1): salt = UTF8(alg) || 0x00 || p2s.
Result<std::string> pbes2_kek(KeyManagement alg, std::string_view password, std::string_view p2s,
                              std::uint32_t count) {
    std::string salt(to_string(alg));
    salt.push_back('\0');
    salt.append(p2s);
    return pbkdf2_hmac(pbes2_hash(alg), password, salt, count, wrap_key_bytes(alg));
}

json::object epk_json(const KeyMaterial& ephemeral) {
    const KeyInfo info = key_info(ephemeral);
    json::object epk;
    epk["kty"] = to_string(info.kty);
    epk["crv"] = to_string(info.curve);
    if (info.kty == KeyType::EC) {
        const EcParams p = export_ec(ephemeral);
        epk["x"] = base64url_encode(p.x);
        epk["y"] = base64url_encode(p.y);
    } else {
        epk["x"] = base64url_encode(export_okp(ephemeral).x);
    }
    return epk;
}

Result<std::string> b64_member(const json::object& header, std::string_view name, Errc code) {
    const json::value* v = header.if_contains(name);
    if (v == nullptr) return std::string();
    std::string out;
    if (!v->is_string() || !base64url_decode_into(v->get_string(), out)) {
        return Error(code, "\"" + std::string(name) + "\" is not base64url");
    }
    return out;
}

}  // namespace

bool determines_cek(KeyManagement alg) noexcept {
    return alg == KeyManagement::dir || alg == KeyManagement::ECDH_ES;
}

Result<WrappedCek> wrap_cek(KeyManagement alg, ContentEncryption enc, const Jwk& key,
                            const KeyManagementInput& input, std::optional<std::string_view> cek) {
    if (auto ok = key.check_usable(alg, KeyOperation::encrypt, enc); !ok)
        return std::move(ok).error();
    if (alg == KeyManagement::RSA1_5 && !input.allow_rsa1_5) {
        return Error(Errc::alg_not_allowed,
                     "RSA1_5 is refused unless explicitly enabled (RFC 8725 §3.2)");
    }
    if (cek && determines_cek(alg)) {
        return Error(
            Errc::invalid_argument,
            std::string(to_string(alg)) + " fixes the CEK: it can only be the sole recipient");
    }
    WrappedCek out;
    if (alg == KeyManagement::dir) {
        out.cek = std::string(oct_secret(key.material()));
        return out;
    }
    if (is_ecdh(alg)) {
        const KeyInfo info = key_info(key.material());
        auto ephemeral = generate_key(info.kty, info.curve, 0, 0);
        if (!ephemeral) return std::move(ephemeral).error();
        auto derived = ecdh_derive(alg, enc, **ephemeral, key.material(), input.apu, input.apv);
        if (!derived) return std::move(derived).error();
        out.header["epk"] = epk_json(**ephemeral);
        if (!input.apu.empty()) out.header["apu"] = base64url_encode(input.apu);
        if (!input.apv.empty()) out.header["apv"] = base64url_encode(input.apv);
        if (alg == KeyManagement::ECDH_ES) {
            out.cek = std::move(*derived);
            return out;
        }
        out.cek = cek ? std::string(*cek) : random_string(cek_bytes(enc));
        auto wrapped = aes_key_wrap(*derived, out.cek);
        if (!wrapped) return std::move(wrapped).error();
        out.encrypted_key = std::move(*wrapped);
        return out;
    }
    out.cek = cek ? std::string(*cek) : random_string(cek_bytes(enc));
    Result<std::string> encrypted_key = Error(Errc::unsupported_alg, "unsupported key management");
    if (is_aes_kw(alg)) {
        encrypted_key = aes_key_wrap(oct_secret(key.material()), out.cek);
    } else if (is_gcm_kw(alg)) {
        // RFC 7518 §4.7: a fresh 96-bit IV; the IV and tag travel in the header.
        const std::string iv = random_string(12);
        auto sealed = aes_gcm_encrypt(oct_secret(key.material()), iv, {}, out.cek);
        if (!sealed) return std::move(sealed).error();
        out.header["iv"] = base64url_encode(iv);
        out.header["tag"] = base64url_encode(sealed->tag);
        encrypted_key = std::move(sealed->ciphertext);
    } else if (is_pbes2(alg)) {
        if (input.pbes2_count < kMinPbes2Count) {
            return Error(Errc::pbes2_limit, "PBES2 needs at least 1000 iterations");
        }
        const std::string p2s = random_string(16);
        auto kek = pbes2_kek(alg, oct_secret(key.material()), p2s, input.pbes2_count);
        if (!kek) return std::move(kek).error();
        out.header["p2s"] = base64url_encode(p2s);
        out.header["p2c"] = input.pbes2_count;
        encrypted_key = aes_key_wrap(*kek, out.cek);
    } else {
        encrypted_key = rsa_encrypt(key.material(), rsa_padding(alg), out.cek);
    }
    if (!encrypted_key) return std::move(encrypted_key).error();
    out.encrypted_key = std::move(*encrypted_key);
    return out;
}

bool reads_header(KeyManagement alg) noexcept {
    return is_ecdh(alg) || is_gcm_kw(alg) || is_pbes2(alg);
}

Result<std::string> unwrap_cek(KeyManagement alg, ContentEncryption enc, const Jwk& key,
                               const json::object& header, std::string_view encrypted_key,
                               const JweDecryptOptions& options) {
    const std::size_t size = cek_bytes(enc);
    if (determines_cek(alg) && !encrypted_key.empty()) {
        // RFC 7516 §5.2 step 10: direct encryption and agreement carry no encrypted key.
        return Error(Errc::malformed,
                     "the JWE Encrypted Key must be empty with " + std::string(to_string(alg)));
    }
    Result<std::string> cek = failed();
    if (alg == KeyManagement::dir) {
        cek = std::string(oct_secret(key.material()));
    } else if (is_ecdh(alg)) {
        const json::value* epk_value = header.if_contains("epk");
        if (epk_value == nullptr || !epk_value->is_object()) {
            return Error(Errc::invalid_epk, "\"epk\" is missing or not a JWK object");
        }
        const json::object& epk_obj = epk_value->get_object();
        if (epk_obj.contains("d")) return Error(Errc::invalid_epk, "\"epk\" holds a private key");
        // Parsing validates the point: on the curve, in the group (RFC 8725 §3.4, invalid curve).
        auto epk = Jwk::from_json(epk_obj);
        if (!epk)
            return Error(Errc::invalid_epk,
                         "\"epk\" is not a valid public key: " + epk.error().message());
        if (epk->kty() != key.kty() || epk->curve() != key.curve()) {
            return Error(Errc::invalid_epk, "\"epk\" is not on the recipient key's curve");
        }
        auto apu = b64_member(header, "apu", Errc::bad_header);
        if (!apu) return std::move(apu).error();
        auto apv = b64_member(header, "apv", Errc::bad_header);
        if (!apv) return std::move(apv).error();
        auto derived = ecdh_derive(alg, enc, key.material(), epk->material(), *apu, *apv);
        if (!derived) return Error(Errc::invalid_epk, derived.error().message());
        cek = alg == KeyManagement::ECDH_ES ? std::move(derived)
                                            : aes_key_unwrap(*derived, encrypted_key);
    } else if (is_aes_kw(alg)) {
        cek = aes_key_unwrap(oct_secret(key.material()), encrypted_key);
    } else if (is_gcm_kw(alg)) {
        auto iv = b64_member(header, "iv", Errc::decryption_failed);
        auto tag = b64_member(header, "tag", Errc::decryption_failed);
        if (!iv || !tag) return failed();
        cek = aes_gcm_decrypt(oct_secret(key.material()), *iv, {}, encrypted_key, *tag);
    } else if (is_pbes2(alg)) {
        auto p2s = b64_member(header, "p2s", Errc::pbes2_limit);
        if (!p2s) return std::move(p2s).error();
        if (p2s->size() < kMinPbes2SaltSize) {
            return Error(Errc::pbes2_limit, "\"p2s\" is missing or shorter than 8 bytes");
        }
        const json::value* p2c = header.if_contains("p2c");
        const std::uint64_t count = p2c == nullptr     ? 0
                                    : p2c->is_uint64() ? p2c->get_uint64()
                                    : p2c->is_int64() && p2c->get_int64() > 0
                                        ? static_cast<std::uint64_t>(p2c->get_int64())
                                        : 0;
        // RFC 8725 §3.4 / RFC 7518 §4.8.1.2: bound the work an attacker can ask for.
        if (count < kMinPbes2Count || count > options.max_pbes2_count) {
            return Error(Errc::pbes2_limit, "\"p2c\" must be an integer from 1000 to " +
                                                std::to_string(options.max_pbes2_count));
        }
        auto kek =
            pbes2_kek(alg, oct_secret(key.material()), *p2s, static_cast<std::uint32_t>(count));
        if (!kek) return std::move(kek).error();
        cek = aes_key_unwrap(*kek, encrypted_key);
    } else if (alg == KeyManagement::RSA1_5) {
        // RFC 7516 §11.5: a failure yields a random CEK, so content decryption fails the same way.
        return rsa1_5_decrypt_cek(key.material(), encrypted_key, random_string(size));
    } else {
        cek = rsa_decrypt(key.material(), rsa_padding(alg), encrypted_key);
    }
    if (!cek) {
        if (cek.code() == Errc::invalid_epk || cek.code() == Errc::malformed) return cek;
        return failed();
    }
    if (cek->size() != size) return failed();  // RFC 7516 §5.2 step 10: the CEK length must fit enc
    return cek;
}

}  // namespace signet::detail
