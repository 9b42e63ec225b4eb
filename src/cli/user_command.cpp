// `signet user ...`: add, list, disable and enable the users of a deployment, through the admin
// service (the same stores and Argon2id cost as `signet serve`; safe while servers run).
#include <boost/json/object.hpp>
#include <iostream>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/admin_command.hpp"
#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/deployment_options.hpp"
#include "cli/io.hpp"
#include "server/admin/admin_service.hpp"
#include "server/auth/identity.hpp"
#include "server/store/store_error.hpp"

namespace signet::cli {

namespace {

boost::json::object user_json(const server::User& user) {
    return {{"id", user.id},
            {"email", user.email},
            {"disabled", user.disabled},
            {"created_at", user.created_at}};
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
    return with_admin(
        args, true, "create users with 'signet user add'", [&](server::AdminService& admin) {
            const server::Registration registration = admin.add_user(*email, password);
            switch (registration.status) {
                case server::RegisterStatus::created: break;
                case server::RegisterStatus::email_taken:
                    return fail("email_taken", *email + " is already registered");
                case server::RegisterStatus::invalid_email:
                    return fail("invalid_email",
                                "'" + given + "' is not a plausible email address");
                case server::RegisterStatus::invalid_password:
                    return fail("invalid_password", "the password is not acceptable");
            }
            print_json({{"id", registration.user.id}, {"email", registration.user.email}});
            return kExitOk;
        });
}

int run_list(const Args& args) {
    return with_admin(args, false, "create users with 'signet user add'",
                      [](server::AdminService& admin) {
                          for (const server::User& user : admin.list_users())
                              print_json(user_json(user));
                          return kExitOk;
                      });
}

int set_disabled(const Args& args, bool disabled) {
    const std::string& given = args.operands().front();
    const std::optional<std::string> email = server::normalize_email(given);
    if (!email) {
        return fail("invalid_email", "'" + given + "' is not a plausible email address");
    }
    return with_admin(
        args, false, "create users with 'signet user add'", [&](server::AdminService& admin) {
            const std::optional<server::User> user = admin.set_disabled(*email, disabled);
            if (!user) return fail("user_not_found", "no user " + *email);
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

std::vector<Option> with_deployment(std::vector<Option> options) {
    const auto& common = deployment_options();
    options.insert(options.end(), common.begin(), common.end());
    return options;
}

const std::vector<Command>& commands() {
    static const std::vector<Command> table = {
        {"add",
         {.path = "user add",
          .summary = "Add a user, reading the password from stdin",
          .operands = "",
          .description =
              "Add a user to the deployment and print {\"id\",\"email\"}. The password is read\n"
              "from standard input (one trailing newline is dropped) and must be 8 to 1024\n"
              "characters; it is stored as an Argon2id hash with the configured cost\n"
              "(argon2_memory_kib, argon2_iterations). The email is stored lower-cased. Fails\n"
              "with email_taken when the email is registered.",
          .options = with_deployment(
              {{"email", "EMAIL", "The user's email address", false, true},
               {"password-stdin", "", "Read the password from standard input", false, true}}),
          .min_operands = 0,
          .max_operands = 0},
         run_add},
        {"list",
         {.path = "user list",
          .summary = "List the users, one JSON object per line",
          .operands = "",
          .description = "Print every user, oldest first, one JSON object per line:\n"
                         "{\"id\",\"email\",\"disabled\",\"created_at\"} (Unix seconds).",
          .options = with_deployment({}),
          .min_operands = 0,
          .max_operands = 0},
         run_list},
        {"disable",
         {.path = "user disable",
          .summary = "Disable a user: no login, no refresh, no session",
          .operands = "EMAIL",
          .description =
              "Disable the user with this email: logins and refreshes fail from now on, every\n"
              "refresh token of the user is revoked and every session ends (on every node when\n"
              "sessions are in Redis), and the access tokens already issued are refused by every\n"
              "node within a second. Prints the user as `user list` does.",
          .options = with_deployment({}),
          .min_operands = 1,
          .max_operands = 1},
         run_disable},
        {"enable",
         {.path = "user enable",
          .summary = "Enable a disabled user again",
          .operands = "EMAIL",
          .description = "Enable the user with this email again. Prints the user as `user list`\n"
                         "does.",
          .options = with_deployment({}),
          .min_operands = 1,
          .max_operands = 1},
         run_enable},
    };
    return table;
}

}  // namespace

std::span<const Command> user_commands() {
    return commands();
}

}  // namespace signet::cli
