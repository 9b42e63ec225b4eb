// Names and the std::error_category for signet::Errc.
#include "signet/error.hpp"

#include <string>

namespace signet {

std::string_view to_string(Errc code) noexcept {
    switch (code) {
        case Errc::ok: return "ok";
        case Errc::malformed: return "malformed";
        case Errc::bad_base64: return "bad_base64";
        case Errc::bad_json: return "bad_json";
        case Errc::duplicate_member: return "duplicate_member";
        case Errc::json_too_deep: return "json_too_deep";
        case Errc::token_too_large: return "token_too_large";
        case Errc::unsupported_alg: return "unsupported_alg";
        case Errc::alg_not_allowed: return "alg_not_allowed";
        case Errc::key_not_found: return "key_not_found";
        case Errc::ambiguous_key_set: return "ambiguous_key_set";
        case Errc::key_alg_mismatch: return "key_alg_mismatch";
        case Errc::key_use_mismatch: return "key_use_mismatch";
        case Errc::invalid_key: return "invalid_key";
        case Errc::weak_key: return "weak_key";
        case Errc::unsupported_key: return "unsupported_key";
        case Errc::bad_signature: return "bad_signature";
        case Errc::unsupported_crit: return "unsupported_crit";
        case Errc::unencoded_payload: return "unencoded_payload";
        case Errc::bad_header: return "bad_header";
        case Errc::bad_typ: return "bad_typ";
        case Errc::expired: return "expired";
        case Errc::not_yet_valid: return "not_yet_valid";
        case Errc::issued_in_future: return "issued_in_future";
        case Errc::token_too_old: return "token_too_old";
        case Errc::bad_issuer: return "bad_issuer";
        case Errc::bad_audience: return "bad_audience";
        case Errc::missing_claim: return "missing_claim";
        case Errc::bad_claim_type: return "bad_claim_type";
        case Errc::invalid_argument: return "invalid_argument";
        case Errc::crypto_failure: return "crypto_failure";
        case Errc::unsupported_enc: return "unsupported_enc";
        case Errc::enc_not_allowed: return "enc_not_allowed";
        case Errc::decryption_failed: return "decryption_failed";
        case Errc::invalid_epk: return "invalid_epk";
        case Errc::pbes2_limit: return "pbes2_limit";
        case Errc::unsupported_zip: return "unsupported_zip";
        case Errc::decompression_failed: return "decompression_failed";
        case Errc::decompressed_too_large: return "decompressed_too_large";
        case Errc::not_encrypted: return "not_encrypted";
        case Errc::keys_unavailable: return "keys_unavailable";
        case Errc::fetch_failed: return "fetch_failed";
        case Errc::bad_document: return "bad_document";
    }
    return "unknown";
}

namespace {
class Category final : public std::error_category {
  public:
    const char* name() const noexcept override { return "signet"; }
    std::string message(int value) const override {
        return std::string(to_string(static_cast<Errc>(value)));
    }
};
}  // namespace

const std::error_category& error_category() noexcept {
    static const Category category;
    return category;
}

std::error_code make_error_code(Errc code) noexcept {
    return {static_cast<int>(code), error_category()};
}

std::string Error::to_string() const {
    std::string out(signet::to_string(code_));
    out += ": ";
    out += message_;
    return out;
}

Exception::Exception(Error error)
    : std::runtime_error(error.to_string()), error_(std::move(error)) {}

}  // namespace signet
