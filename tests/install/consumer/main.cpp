// Consumer of an installed Signet: signs an HS256 token and verifies it through the public API
// only, then checks that a tampered token is refused. Exit code 0 means the package works.
#include <signet/signet.hpp>

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace {

int fail(const char* step, const signet::Error& error) {
    std::fprintf(stderr, "%s: %s\n", step, error.to_string().c_str());
    return 1;
}

}  // namespace

int main() {
    // 32 bytes: the minimum for HS256 (RFC 7518 §3.2).
    auto key =
        signet::Jwk::from_secret("0123456789abcdef0123456789abcdef", signet::Algorithm::HS256);
    if (!key) return fail("from_secret", key.error());

    auto signer = signet::Signer::create(*key, signet::Algorithm::HS256);
    if (!signer) return fail("Signer::create", signer.error());

    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    signet::Claims claims;
    claims.set_issuer("https://issuer.example")
        .set_subject("consumer")
        .set_audience("https://api.example")
        .set_expires_at(now + std::chrono::minutes(5));
    auto token = signer->sign(claims);
    if (!token) return fail("sign", token.error());

    signet::VerifierOptions options;
    auto keys = signet::KeySet::from_keys({*key});
    if (!keys) return fail("KeySet::from_keys", keys.error());
    options.keys = std::move(*keys);
    options.algorithms = {signet::Algorithm::HS256};
    options.issuers = {"https://issuer.example"};
    options.audiences = {"https://api.example"};
    auto verifier = signet::Verifier::create(std::move(options));
    if (!verifier) return fail("Verifier::create", verifier.error());

    auto verified = verifier->verify(*token);
    if (!verified) return fail("verify", verified.error());
    if (verified->subject() != std::optional<std::string_view>("consumer")) {
        std::fprintf(stderr, "verify: unexpected subject\n");
        return 1;
    }

    // Change one character inside the signature (not the last, whose low bits must stay zero):
    // the token must now be refused as a bad signature.
    std::string tampered = *token;
    char& c = tampered[tampered.size() - 10];
    c = c == 'A' ? 'B' : 'A';
    auto rejected = verifier->verify(tampered);
    if (rejected.code() != signet::Errc::bad_signature) {
        std::fprintf(stderr, "verify: tampered token gave '%s', expected bad_signature\n",
                     std::string(signet::to_string(rejected.code())).c_str());
        return 1;
    }

    std::printf("signet %s: signed and verified %zu-byte HS256 token; tampered token: %s\n",
                SIGNET_VERSION_STRING, token->size(),
                std::string(signet::to_string(rejected.code())).c_str());
    return 0;
}
