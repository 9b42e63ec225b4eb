// Issuing JWTs as compact JWS (RFC 7519 §7.1).
#include <boost/json/serialize.hpp>

#include "signet/jwt.hpp"
#include "signet/signature.hpp"

namespace signet {

namespace json = boost::json;

Result<Signer> Signer::create(Jwk key, std::optional<Algorithm> alg) {
    if (!alg) alg = key.alg();
    if (!alg) {
        return Error(Errc::invalid_argument,
                     "no signing algorithm: the key has no \"alg\" and none was given");
    }
    if (auto ok = key.check_usable(*alg, KeyOperation::sign); !ok) return std::move(ok).error();
    return Signer(std::move(key), *alg);
}

Signer& Signer::type(std::string typ) {
    typ_ = std::move(typ);
    return *this;
}

Signer& Signer::header(std::string_view name, json::value value) {
    header_[name] = std::move(value);
    return *this;
}

Result<std::string> Signer::sign(const Claims& claims) const {
    JwsSignOptions options;
    if (!typ_.empty()) options.header["typ"] = typ_;
    for (const auto& m : header_)
        options.header[m.key()] = m.value();
    // RFC 7519 §7.1: the claims set is the JWS payload; b64 and crit never apply to JWTs.
    if (options.header.contains("b64") || options.header.contains("crit")) {
        return Error(Errc::invalid_argument, "JWTs carry neither \"b64\" nor \"crit\" from Signer");
    }
    return jws::sign(claims.to_json_string(), key_, alg_, options);
}

}  // namespace signet
