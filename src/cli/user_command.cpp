// `signet user ...`: add, list, disable and enable the users of a `signet serve` data dir, directly
// in its database (safe while a server runs on it: the store serializes writers).
#include <boost/json/object.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/io.hpp"
#include "server/auth/identity.hpp"
#include "server/auth/password_hasher.hpp"
#include "server/clock.hpp"
#include "server/store/store_error.hpp"
#include "server/store/stores.hpp"

namespace signet::cli {

namespace {

// OWASP's Argon2id cost (m = 19 MiB, t = 2), the server's default. A server configured otherwise
// rehashes the password at the user's next login.
constexpr std::uint64_t kArgon2MemoryKib = 19 * 1024;
constexpr std::uint64_t kArgon2Iterations = 2;

// "<code>: <message>" on stderr, like report(), for the codes of the server's HTTP API.
int fail(std::string_view code, std::string_view message) {
    std::cerr << code << ": " << message << '\n';
    return kExitFailure;
}

// The data dir of list/disable/enable must exist: they never create an empty deployment.
std::optional<std::filesystem::path> existing_data_dir(const Args& args) {
    std::filesystem::path dir = data_dir_of(args);
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) return std::nullopt;
    return dir;
}

int no_data_dir(const Args& args) {
    return fail("data_dir_not_found",
                "no data dir at " + data_dir_of(args).string() +
                    " (use --data-dir or SIGNET_DATA_DIR, or create users with 'signet user add')");
}

boost::json::object user_json(const server::User& user) {
    return {{"id", user.id},
            {"email", user.email},
            {"disabled", user.disabled},
            {"created_at", user.created_at}};
}

// Runs `body` and turns an engine failure into a "store_error" line.
template <typename Body>
int with_store_errors(Body&& body) {
    try {
        return std::forward<Body>(body)();
    } catch (const server::StoreError& error) {
        return fail("store_error", error.what());
    }
}

int run_add(const Args& args) {
    const std::string given = *args.value("email");
    const std::optional<std::string> email = server::normalize_email(given);
    if (!email) {
        return fail("invalid_email", "'" + given + "' is not a plausible email address");
    }
    auto input = read_input("-");
    if (!input) return report(input.error());
    std::string password = std::move(*input);
    // One line end, as `echo` or a password manager adds it; anything else is part of the password.
    if (password.ends_with('\n')) {
        password.pop_back();
        if (password.ends_with('\r')) password.pop_back();
    }
    if (!server::acceptable_password(password)) {
        return fail("invalid_password",
                    "the password must be " + std::to_string(server::kMinPasswordLength) + " to " +
                        std::to_string(server::kMaxPasswordLength) + " characters of valid UTF-8");
    }
    return with_store_errors([&] {
        server::Stores stores = server::open_stores([&] {
            server::StoreSettings settings;
            settings.data_dir = data_dir_of(args);
            return settings;
        }());
        if (stores.users->find_by_email(*email)) {
            return fail("email_taken", *email + " is already registered");
        }
        const server::PasswordHasher hasher(kArgon2MemoryKib, kArgon2Iterations);
        server::User user;
        user.id = server::new_user_id();
        user.email = *email;
        user.password_hash = hasher.hash(password);
        user.created_at = server::unix_now();
        // create() decides atomically: another process may have taken the email meanwhile.
        if (!stores.users->create(user)) {
            return fail("email_taken", *email + " is already registered");
        }
        print_json({{"id", user.id}, {"email", user.email}});
        return kExitOk;
    });
}

int run_list(const Args& args) {
    const auto dir = existing_data_dir(args);
    if (!dir) return no_data_dir(args);
    return with_store_errors([&] {
        server::Stores stores = server::open_stores([&] {
            server::StoreSettings settings;
            settings.data_dir = *dir;
            return settings;
        }());
        for (const server::User& user : stores.users->list()) {
            print_json(user_json(user));
        }
        return kExitOk;
    });
}

int set_disabled(const Args& args, bool disabled) {
    const std::string& given = args.operands().front();
    const std::optional<std::string> email = server::normalize_email(given);
    if (!email) {
        return fail("invalid_email", "'" + given + "' is not a plausible email address");
    }
    const auto dir = existing_data_dir(args);
    if (!dir) return no_data_dir(args);
    return with_store_errors([&] {
        server::Stores stores = server::open_stores([&] {
            server::StoreSettings settings;
            settings.data_dir = *dir;
            return settings;
        }());
        std::optional<server::User> user = stores.users->find_by_email(*email);
        if (!user || !stores.users->set_disabled(*email, disabled)) {
            return fail("user_not_found", "no user " + *email);
        }
        if (disabled) {
            // Logins and refreshes check the flag; revoking the refresh families as well leaves
            // nothing usable behind but access tokens, which expire on their own.
            stores.refresh_tokens->revoke_user(user->id, server::unix_now());
        }
        user->disabled = disabled;
        print_json(user_json(*user));
        return kExitOk;
    });
}

int run_disable(const Args& args) {
    return set_disabled(args, true);
}

int run_enable(const Args& args) {
    return set_disabled(args, false);
}

const Option kDataDirOption = {"data-dir", "DIR",
                               "Data directory (default $SIGNET_DATA_DIR, else ./signet-data)"};

const std::vector<Command>& commands() {
    static const std::vector<Command> table = {
        {"add",
         {.path = "user add",
          .summary = "Add a user, reading the password from stdin",
          .operands = "",
          .description =
              "Add a user to the data dir's database and print {\"id\",\"email\"}. The password\n"
              "is read from standard input (one trailing newline is dropped) and must be 8 to\n"
              "1024 characters; it is stored as an Argon2id hash. The email is stored\n"
              "lower-cased. Fails with email_taken when the email is registered.",
          .options = {{"email", "EMAIL", "The user's email address", false, true},
                      {"password-stdin", "", "Read the password from standard input", false, true},
                      kDataDirOption},
          .min_operands = 0,
          .max_operands = 0},
         run_add},
        {"list",
         {.path = "user list",
          .summary = "List the users, one JSON object per line",
          .operands = "",
          .description = "Print every user, oldest first, one JSON object per line:\n"
                         "{\"id\",\"email\",\"disabled\",\"created_at\"} (Unix seconds).",
          .options = {kDataDirOption},
          .min_operands = 0,
          .max_operands = 0},
         run_list},
        {"disable",
         {.path = "user disable",
          .summary = "Disable a user: no login, no refresh",
          .operands = "EMAIL",
          .description =
              "Disable the user with this email: logins and refreshes fail from now on, and\n"
              "every refresh token of the user is revoked. Access tokens already issued stay\n"
              "valid until they expire. Prints the user as `user list` does.",
          .options = {kDataDirOption},
          .min_operands = 1,
          .max_operands = 1},
         run_disable},
        {"enable",
         {.path = "user enable",
          .summary = "Enable a disabled user again",
          .operands = "EMAIL",
          .description = "Enable the user with this email again. Prints the user as `user list`\n"
                         "does.",
          .options = {kDataDirOption},
          .min_operands = 1,
          .max_operands = 1},
         run_enable},
    };
    return table;
}

}  // namespace

std::filesystem::path data_dir_of(const Args& args) {
    if (auto dir = args.value("data-dir")) {
        if (dir->empty()) throw UsageError("option '--data-dir' must not be empty");
        return *dir;
    }
    if (const char* dir = std::getenv("SIGNET_DATA_DIR"); dir != nullptr && *dir != '\0') {
        return dir;
    }
    return "signet-data";
}

std::span<const Command> user_commands() {
    return commands();
}

}  // namespace signet::cli
