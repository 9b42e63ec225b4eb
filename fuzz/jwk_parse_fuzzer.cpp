// Fuzz target for JWK and JWK Set parsing (RFC 7517, RFC 7518 §6, RFC 8037 §2) and PEM import:
// Jwk::parse, KeySet::parse, Jwk::from_pem and KeySet::parse_any on arbitrary bytes. Invariants: a
// parsed key serializes (to_json with private members) and re-parses to the same key, same RFC 7638
// thumbprint and the same JSON again; its public_key() has the same thumbprint and serializes as
// the key's own public JSON; an asymmetric key survives a PEM round trip; a key allows exactly
// the algorithms it lists as allowed.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "signet/jwk.hpp"
#include "signet/jwks.hpp"

namespace {

using namespace signet;
using namespace signet::fuzz;

void check_same_key(const Jwk& a, const Jwk& b, bool same_privacy) {
    FUZZ_CHECK(a.thumbprint() == b.thumbprint());
    FUZZ_CHECK(a.kty() == b.kty());
    FUZZ_CHECK(a.curve() == b.curve());
    FUZZ_CHECK(a.bits() == b.bits());
    if (same_privacy) FUZZ_CHECK(a.is_private() == b.is_private());
}

void check_key(const Jwk& key) {
    const std::string thumbprint = key.thumbprint();
    FUZZ_CHECK(thumbprint.size() == 43);  // SHA-256, base64url

    const std::string json = key.to_json_string(true);
    auto again = Jwk::parse(json);
    FUZZ_CHECK_MSG(again.ok(), again.error().to_string() + " re-parsing " + json);
    check_same_key(key, *again, true);
    FUZZ_CHECK(again->kid() == key.kid());
    FUZZ_CHECK(again->alg_name() == key.alg_name());
    FUZZ_CHECK(again->alg() == key.alg());
    FUZZ_CHECK(again->use() == key.use());
    FUZZ_CHECK(again->key_ops() == key.key_ops());
    FUZZ_CHECK(again->key_management() == key.key_management());
    FUZZ_CHECK_MSG(again->to_json_string(true) == json, json);  // serialization is a fixed point

    for (Algorithm alg : key.allowed_algorithms())
        FUZZ_CHECK(key.allows(alg, KeyOperation::verify));
    for (Algorithm alg : all_algorithms()) {
        auto usable = key.check_usable(alg, KeyOperation::verify);
        check_error(usable);
        FUZZ_CHECK(usable.ok() == again->allows(alg, KeyOperation::verify));
    }
    for (KeyManagement alg : all_key_management()) {
        auto usable = key.check_usable(alg, KeyOperation::decrypt);
        check_error(usable);
        FUZZ_CHECK(usable.ok() == again->allows(alg, KeyOperation::decrypt));
    }

    auto pub = key.public_key();
    check_error(pub);
    if (key.is_symmetric()) {
        FUZZ_CHECK(!pub.ok());
        FUZZ_CHECK(key.is_private());
        FUZZ_CHECK(!key.to_pem().ok());
        return;
    }
    FUZZ_CHECK_MSG(pub.ok(), pub.error().to_string());
    check_same_key(key, *pub, false);
    FUZZ_CHECK(!pub->is_private());
    FUZZ_CHECK(pub->to_json_string(true) == key.to_json_string(false));
    auto pub_again = Jwk::parse(pub->to_json_string(true));
    FUZZ_CHECK_MSG(pub_again.ok(), pub_again.error().to_string());
    check_same_key(*pub, *pub_again, true);

    auto pem = key.to_pem(false);
    FUZZ_CHECK_MSG(pem.ok(), pem.error().to_string());
    auto from_pem = Jwk::from_pem(*pem);
    FUZZ_CHECK_MSG(from_pem.ok(), from_pem.error().to_string() + " re-reading " + *pem);
    check_same_key(key, *from_pem, true);
    auto public_pem = key.to_pem(true);
    FUZZ_CHECK(public_pem.ok());
    auto from_public_pem = Jwk::from_pem(*public_pem);
    FUZZ_CHECK(from_public_pem.ok());
    check_same_key(*pub, *from_public_pem, true);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = as_text(data, size);

    auto key = Jwk::parse(text);
    check_error(key);
    if (key) check_key(*key);

    auto set = KeySet::parse(text);
    check_error(set);
    if (set) {
        const std::string json = set->to_json_string(true);
        auto again = KeySet::parse(json);
        FUZZ_CHECK_MSG(again.ok(), again.error().to_string() + " re-parsing " + json);
        FUZZ_CHECK(again->size() == set->size());
        for (std::size_t i = 0; i < set->size(); ++i) {
            FUZZ_CHECK(again->keys()[i].thumbprint() == set->keys()[i].thumbprint());
            if (const std::string& kid = set->keys()[i].kid(); !kid.empty())
                FUZZ_CHECK(set->find(kid) == &set->keys()[i]);  // no two keys share a "kid"
        }
        // Each key on its own: a few are enough, the rest repeat the same code paths.
        for (std::size_t i = 0; i < set->size() && i < 4; ++i)
            check_key(set->keys()[i]);
    }

    auto pem = Jwk::from_pem(text);
    check_error(pem);
    if (pem) check_key(*pem);

    // What a user pastes: the same verdict as the parser of the format it was told apart as.
    auto any = KeySet::parse_any(text);
    check_error(any);
    switch (detect_key_text_format(text)) {
        case KeyTextFormat::jwk:
            FUZZ_CHECK(any.ok() == key.ok());
            if (any) FUZZ_CHECK(any->size() == 1);
            break;
        case KeyTextFormat::jwks:
            FUZZ_CHECK(any.ok() == set.ok());
            if (any) FUZZ_CHECK(any->size() == set->size());
            break;
        case KeyTextFormat::pem:
            if (any) FUZZ_CHECK(any->size() == 1);
            break;
    }
    return 0;
}
