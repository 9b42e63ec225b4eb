// End-to-end tests of the command line's own contract: --help and --version, usage errors (exit 2),
// and the option syntax (--flag value, --flag=value, --).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli/build_info.hpp"
#include "cli/cli_runner.hpp"
#include "signet/version.hpp"

namespace signet::cli::test {
namespace {

using CliUsage = CliTest;

const std::vector<std::vector<std::string>> kCommands = {
    {"key", "generate"}, {"key", "public"},    {"key", "thumbprint"}, {"key", "import"},
    {"key", "export"},   {"key", "jwks"},      {"token", "sign"},     {"token", "verify"},
    {"token", "decode"}, {"token", "encrypt"}, {"token", "decrypt"},
};

TEST_F(CliUsage, HelpExitsZeroForEveryCommandAndGroup) {
    for (auto args : kCommands) {
        const std::string prefix = "Usage: signet " + args[0] + " " + args[1];
        for (const char* flag : {"--help", "-h"}) {
            auto with_flag = args;
            with_flag.emplace_back(flag);
            const RunResult result = run(with_flag);
            EXPECT_EQ(result.exit_code, 0) << prefix << "\n" << describe(result);
            EXPECT_TRUE(starts_with(result.out, prefix)) << describe(result);
            EXPECT_TRUE(result.err.empty()) << describe(result);
        }
    }
    for (const std::string group : {"key", "token"}) {
        const RunResult result = run({group, "--help"});
        EXPECT_EQ(result.exit_code, 0) << describe(result);
        EXPECT_TRUE(starts_with(result.out, "Usage: signet " + group + " <command>"))
            << describe(result);
    }
    for (const char* flag : {"--help", "-h"}) {
        const RunResult result = run({flag});
        EXPECT_EQ(result.exit_code, 0) << describe(result);
        EXPECT_TRUE(starts_with(result.out, "Usage: signet ")) << describe(result);
        // The overview lists every command.
        for (const auto& command : kCommands) {
            EXPECT_NE(result.out.find(command[0] + " " + command[1]), std::string::npos)
                << command[1];
        }
    }
}

TEST_F(CliUsage, HelpShowsTheDocumentedForms) {
    const RunResult verify = run({"token", "verify", "--help"});
    ASSERT_EQ(verify.exit_code, 0);
    for (const char* form : {"--key FILE", "[--alg ALG]...", "[--leeway SECONDS]",
                             "[--require CLAIM]...", "TOKEN|-"}) {
        EXPECT_NE(verify.out.find(form), std::string::npos) << form << "\n" << verify.out;
    }
    const RunResult import = run({"key", "import", "--help"});
    ASSERT_EQ(import.exit_code, 0);
    EXPECT_TRUE(
        starts_with(import.out, "Usage: signet key import PEMFILE [--alg ALG] [--kid KID]\n"))
        << import.out;
    const RunResult generate = run({"key", "generate", "--help"});
    ASSERT_EQ(generate.exit_code, 0);
    EXPECT_TRUE(starts_with(generate.out,
                            "Usage: signet key generate --alg ALG [--kid KID] "
                            "[--bits N] [--crv CRV] [--enc ENC]\n"))
        << generate.out;
    const RunResult sign = run({"token", "sign", "--help"});
    ASSERT_EQ(sign.exit_code, 0);
    EXPECT_NE(sign.out.find("[--expires-in SECONDS] CLAIMS_FILE|-"), std::string::npos) << sign.out;

    for (const char* form :
         {"[--decrypt-key FILE]", "[--decrypt-alg ALG]...", "[--require-encryption]"}) {
        EXPECT_NE(verify.out.find(form), std::string::npos) << form << "\n" << verify.out;
    }
    const RunResult encrypt = run({"token", "encrypt", "--help"});
    ASSERT_EQ(encrypt.exit_code, 0);
    EXPECT_TRUE(starts_with(encrypt.out,
                            "Usage: signet token encrypt --key FILE [--alg ALG] --enc ENC "
                            "[--zip DEF] [--cty TYPE] [--kid KID] [--pbes2-count N] "
                            "[--allow-rsa1_5-unsafe] PLAINTEXT_FILE|-\n"))
        << encrypt.out;
    const RunResult decrypt = run({"token", "decrypt", "--help"});
    ASSERT_EQ(decrypt.exit_code, 0);
    EXPECT_TRUE(starts_with(decrypt.out,
                            "Usage: signet token decrypt --key FILE [--alg ALG]... [--enc ENC]... "
                            "[--max-decompressed BYTES] [--allow-rsa1_5-unsafe] TOKEN|-\n"))
        << decrypt.out;
    // The RSA1_5 switch says what it is, and decrypt documents that nothing is added to the
    // plaintext.
    for (const RunResult* help : {&encrypt, &decrypt}) {
        const std::size_t row = help->out.find("  --allow-rsa1_5-unsafe ");
        ASSERT_NE(row, std::string::npos) << help->out;
        EXPECT_NE(help->out.find("UNSAFE", row), std::string::npos) << help->out;
    }
    EXPECT_NE(decrypt.out.find("no newline added"), std::string::npos) << decrypt.out;
}

TEST_F(CliUsage, VersionPrintsVersionOpenSslAndGitRevision) {
    const RunResult result = run({"--version"});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.out, std::string("signet ") + SIGNET_VERSION_STRING + "\nOpenSSL: " +
                              openssl_version() + "\ngit revision: " + SIGNET_GIT_REVISION + "\n");
    // The OpenSSL line is the library loaded at run time, and Signet needs OpenSSL 3.
    EXPECT_TRUE(starts_with(openssl_version(), "OpenSSL 3.")) << openssl_version();
    // A build from a git checkout names its commit (12 hex digits, "-dirty" with local changes);
    // outside one, "unknown".
    const std::string revision = SIGNET_GIT_REVISION;
    const std::string hex = revision.substr(0, revision.find('-'));
    EXPECT_TRUE(revision == "unknown" ||
                (hex.size() == 12 &&
                 hex.find_first_not_of("0123456789abcdef") == std::string::npos &&
                 (revision == hex || revision == hex + "-dirty")))
        << revision;
    EXPECT_EQ(run({"--version", "extra"}).exit_code, 2);
}

TEST_F(CliUsage, UsageErrorsExitTwoWithHint) {
    const std::vector<std::vector<std::string>> cases = {
        {},
        {"bogus"},
        {"key"},
        {"key", "bogus"},
        {"token", "bogus", "--help"},
        {"key", "generate"},
        {"key", "generate", "--alg"},
        {"key", "generate", "--alg", "RS256", "--bits", "abc"},
        {"key", "generate", "--alg", "RS256", "--bits", "20x48"},
        {"key", "generate", "--alg", "RS256", "--bits", "99999999999999999999"},
        {"key", "generate", "--alg", "HS256", "--frobnicate"},
        {"key", "generate", "--alg", "HS256", "-x"},
        {"key", "generate", "--alg=ES256", "extra"},
        {"key", "generate", "--alg", "ES256", "--alg", "ES384"},
        {"key", "generate", "--alg", "ES256", "--kid", ""},
        {"key", "generate", "--alg", "HS257"},
        {"key", "generate", "--alg", "hs256"},
        {"key", "public"},
        {"key", "public", "a", "b"},
        {"key", "export", "a", "--public=yes"},
        {"key", "jwks"},
        {"key", "import", "a.pem", "--alg", "none"},
        {"token", "verify", "tok"},
        {"token", "verify", "--key", "k"},
        {"token", "verify", "--key", "k", "--leeway", "-5", "tok"},
        {"token", "verify", "--key", "k", "--leeway", "ten", "tok"},
        {"token", "verify", "--key", "k", "--leeway", "", "tok"},
        {"token", "verify", "--key", "k", "--alg", "none", "tok"},
        {"token", "verify", "--key", "k", "--alg", "HS256x", "tok"},
        {"token", "sign", "--key", "k", "--expires-in", "1.5", "claims.json"},
        {"token", "sign", "--key", "k", "--expires-in", "-1", "claims.json"},
        {"token", "sign", "--key", "k", "--alg", "none", "claims.json"},
        {"token", "sign", "--key", "k"},
        {"token", "decode"},
        {"token", "decode", "a", "b"},
        {"token", "encrypt", "--key", "k", "p.txt"},
        {"token", "encrypt", "--enc", "A128GCM", "p.txt"},
        {"token", "encrypt", "--key", "k", "--enc", "A128GCM"},
        {"token", "encrypt", "--key", "k", "--enc", "A128GCM", "a", "b"},
        {"token", "encrypt", "--key", "k", "--enc", "A128GCMKW", "p.txt"},
        {"token", "encrypt", "--key", "k", "--enc", "a128gcm", "p.txt"},
        {"token", "encrypt", "--key", "k", "--enc", "A128GCM", "--alg", "HS256", "p.txt"},
        {"token", "encrypt", "--key", "k", "--enc", "A128GCM", "--alg", "none", "p.txt"},
        {"token", "encrypt", "--key", "k", "--enc", "A128GCM", "--zip", "GZIP", "p.txt"},
        {"token", "encrypt", "--key", "k", "--enc", "A128GCM", "--zip", "def", "p.txt"},
        {"token", "encrypt", "--key", "k", "--enc", "A128GCM", "--zip", "", "p.txt"},
        {"token", "encrypt", "--key", "k", "--enc", "A128GCM", "--cty", "", "p.txt"},
        {"token", "encrypt", "--key", "k", "--enc", "A128GCM", "--kid", "", "p.txt"},
        {"token", "encrypt", "--key", "k", "--enc", "A128GCM", "--pbes2-count", "999", "p.txt"},
        {"token", "encrypt", "--key", "k", "--enc", "A128GCM", "--pbes2-count", "1000001", "p.txt"},
        {"token", "encrypt", "--key", "k", "--enc", "A128GCM", "--allow-rsa1_5-unsafe=1", "p.txt"},
        {"token", "encrypt", "--key", "k", "--enc", "A128GCM", "--allow-rsa1_5", "p.txt"},
        {"token", "decrypt", "tok"},
        {"token", "decrypt", "--key", "k"},
        {"token", "decrypt", "--key", "k", "--alg", "ES256", "tok"},
        {"token", "decrypt", "--key", "k", "--alg", "none", "tok"},
        {"token", "decrypt", "--key", "k", "--enc", "A256KW", "tok"},
        {"token", "decrypt", "--key", "k", "--max-decompressed", "0", "tok"},
        {"token", "decrypt", "--key", "k", "--max-decompressed", "1k", "tok"},
        {"token", "verify", "--key", "k", "--decrypt-key", "d", "--decrypt-alg", "RS256", "tok"},
        {"token", "verify", "--key", "k", "--decrypt-alg", "A128KW", "tok"},
        {"token", "verify", "--key", "k", "--require-encryption", "tok"},
        {"token", "verify", "--key", "k", "--decrypt-key"},
    };
    for (const auto& args : cases) {
        std::string shown;
        for (const auto& arg : args)
            shown += " '" + arg + "'";
        const RunResult result = run(args);
        EXPECT_EQ(result.exit_code, 2) << "signet" << shown << "\n" << describe(result);
        EXPECT_TRUE(result.out.empty()) << "signet" << shown << "\n" << describe(result);
        EXPECT_NE(result.err.find("--help"), std::string::npos) << "signet" << shown << "\n"
                                                                << describe(result);
    }
}

TEST_F(CliUsage, AcceptsFlagEqualsValue) {
    const RunResult result = run({"key", "generate", "--alg=ES256", "--kid=k-eq"});
    ASSERT_EQ(result.exit_code, 0) << describe(result);
    EXPECT_NE(result.out.find("\"kid\":\"k-eq\""), std::string::npos) << result.out;
}

TEST_F(CliUsage, DoubleDashEndsOptions) {
    const std::string key = generate_key("key.jwk", {"--alg", "HS256"});
    ASSERT_FALSE(key.empty());
    const std::string token = sign(key, R"({"sub":"x"})");
    const RunResult result = run({"token", "decode", "--", token});
    EXPECT_EQ(result.exit_code, 0) << describe(result);
    // After "--", even an operand that looks like an option is an operand (and not a token).
    const RunResult dashed = run({"token", "decode", "--", "--help"});
    EXPECT_EQ(dashed.exit_code, 1) << describe(dashed);
}

}  // namespace
}  // namespace signet::cli::test
