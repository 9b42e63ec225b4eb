// Issuing JWTs as compact JWS (RFC 7519 §7.1). The protected header is serialized and encoded
// once per Signer; a token is then written into one buffer: header, payload, signature.
#include <boost/json/serialize.hpp>
#include <boost/json/serializer.hpp>

#include <vector>

#include "crypto/crypto.hpp"
#include "signet/base64url.hpp"
#include "signet/jwt.hpp"

namespace signet {

namespace json = boost::json;

namespace {

constexpr std::size_t base64url_encoded_size(std::size_t n) noexcept {
    return n / 3 * 4 + (n % 3 == 0 ? 0 : n % 3 + 1);
}

// The claims' JSON text, in a buffer this thread reuses.
std::string_view serialize_claims(const json::object& claims) {
    thread_local std::string text;
    json::serializer sr;
    sr.reset(&claims);
    text.clear();
    while (!sr.done()) {
        const std::size_t used = text.size();
        text.resize(used + 512 > text.capacity() ? used + 512 : text.capacity());
        const std::string_view chunk = sr.read(text.data() + used, text.size() - used);
        text.resize(used + chunk.size());
    }
    return text;
}

}  // namespace

Result<Signer> Signer::create(Jwk key, std::optional<Algorithm> alg) {
    if (!alg) alg = key.alg();
    if (!alg) {
        return Error(Errc::invalid_argument,
                     "no signing algorithm: the key has no \"alg\" and none was given");
    }
    if (auto ok = key.check_usable(*alg, KeyOperation::sign); !ok) return std::move(ok).error();
    Signer signer(std::move(key), *alg);
    signer.encode_header();
    return signer;
}

Signer& Signer::type(std::string typ) {
    typ_ = std::move(typ);
    encode_header();
    return *this;
}

Signer& Signer::header(std::string_view name, json::value value) {
    header_[name] = std::move(value);
    encode_header();
    return *this;
}

// "alg" first, then "typ" and the caller's members, then the key's "kid" unless one was set.
void Signer::encode_header() {
    header_error_.clear();
    json::object header;
    header["alg"] = to_string(alg_);
    if (!typ_.empty()) header["typ"] = typ_;
    for (const auto& m : header_) {
        const std::string_view name = m.key();
        if (name == "alg") {
            header_error_ = "the signing algorithm is set by the key and alg, not the header";
        } else if (name == "b64" || name == "crit") {
            // RFC 7519 §7.1: the claims set is the JWS payload; b64 and crit never apply to JWTs.
            header_error_ = "JWTs carry neither \"b64\" nor \"crit\" from Signer";
        }
        header[name] = m.value();
    }
    if (!key_.kid().empty() && !header.contains("kid")) header["kid"] = key_.kid();
    encoded_header_.clear();
    base64url_encode_append(json::serialize(header), encoded_header_);
    encoded_header_.push_back('.');
}

Result<std::string> Signer::sign(const Claims& claims) const {
    if (!header_error_.empty()) return Error(Errc::invalid_argument, header_error_);
    const std::string_view payload = serialize_claims(claims.json());
    const detail::KeyMaterial& key = key_.material();
    const std::size_t sig_max = detail::max_signature_size(alg_, key);
    std::string token;
    token.reserve(encoded_header_.size() + base64url_encoded_size(payload.size()) + 1 +
                  base64url_encoded_size(sig_max));
    token.append(encoded_header_);
    base64url_encode_append(payload, token);
    unsigned char stack[1024];
    std::vector<unsigned char> heap(sig_max > sizeof(stack) ? sig_max : 0);
    unsigned char* sig = heap.empty() ? stack : heap.data();
    auto len = detail::sign_into(alg_, key, token, sig, heap.empty() ? sizeof(stack) : sig_max);
    if (!len) return std::move(len).error();
    token.push_back('.');
    base64url_encode_append(std::string_view(reinterpret_cast<const char*>(sig), *len), token);
    return token;
}

}  // namespace signet
