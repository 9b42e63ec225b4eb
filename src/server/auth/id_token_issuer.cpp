// ID tokens.
#include "server/auth/id_token_issuer.hpp"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include "server/auth/scopes.hpp"
#include "signet/base64url.hpp"
#include "signet/claims.hpp"

namespace signet::server {

IdTokenIssuer::IdTokenIssuer(KeyManager& keys, std::string issuer, std::chrono::seconds ttl)
    : keys_(keys), issuer_(std::move(issuer)), ttl_(ttl.count()) {}

std::string IdTokenIssuer::issue(const User& user, const IdTokenClaims& request,
                                 std::int64_t now) const {
    const std::shared_ptr<const KeySnapshot> keys = keys_.snapshot();
    const Signer& signer = keys->id_token_signer;
    Claims claims;
    claims.set_issuer(issuer_)
        .set_subject(user.id)  // the same stable id as the access token's "sub"
        .set_audience(request.client_id)
        .set("iat", now)
        .set("exp", now + ttl_)
        .set("auth_time", request.auth_time);
    if (!request.nonce.empty()) claims.set("nonce", request.nonce);
    if (!request.access_token.empty()) {
        claims.set("at_hash", access_token_hash(signer.algorithm(), signer.key().curve(),
                                                request.access_token));
    }
    if (has_scope(request.scope, "email")) {
        claims.set("email", std::string_view(user.email));
        // Signet does not prove that a user owns the address (OIDC Core §5.1).
        claims.set("email_verified", false);
    }
    Result<std::string> token = signer.sign(claims);
    if (!token) throw std::runtime_error("signing failed: " + token.error().to_string());
    return std::move(*token);
}

std::string access_token_hash(Algorithm alg, Curve curve, std::string_view access_token) {
    const EVP_MD* md = EVP_sha256();
    std::size_t length = 32;
    switch (alg) {
        case Algorithm::HS384:
        case Algorithm::RS384:
        case Algorithm::PS384:
        case Algorithm::ES384:
            md = EVP_sha384();
            length = 48;
            break;
        case Algorithm::HS512:
        case Algorithm::RS512:
        case Algorithm::PS512:
        case Algorithm::ES512:
            md = EVP_sha512();
            length = 64;
            break;
        case Algorithm::EdDSA:
            if (curve == Curve::Ed448) {
                md = EVP_shake256();
                length = 114;
            } else {
                md = EVP_sha512();
                length = 64;
            }
            break;
        default: break;
    }
    std::vector<unsigned char> digest(length);
    const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                      EVP_MD_CTX_free);
    const bool xof = md == EVP_shake256();
    unsigned int written = 0;
    if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), access_token.data(), access_token.size()) != 1 ||
        (xof ? EVP_DigestFinalXOF(ctx.get(), digest.data(), length)
             : EVP_DigestFinal_ex(ctx.get(), digest.data(), &written)) != 1) {
        throw std::runtime_error("hashing the access token failed");
    }
    return base64url_encode(
        std::string_view(reinterpret_cast<const char*>(digest.data()), length / 2));
}

}  // namespace signet::server
