// `signet client ...`: add, list and remove the OAuth clients of a deployment, through the admin
// service (the same stores and rules as `signet serve`; safe while servers run).
#include <boost/json/array.hpp>
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
#include "server/store/store_error.hpp"

namespace signet::cli {

namespace {

boost::json::array json_strings(const std::vector<std::string>& values) {
    boost::json::array array;
    for (const std::string& value : values)
        array.emplace_back(value);
    return array;
}

boost::json::object client_json(const server::Client& client) {
    return {{"id", client.id},
            {"type", client.is_public() ? "public" : "confidential"},
            {"name", client.name},
            {"redirect_uris", json_strings(client.redirect_uris)},
            {"post_logout_redirect_uris", json_strings(client.post_logout_redirect_uris)},
            {"created_at", client.created_at}};
}

std::string_view error_code(server::ClientRegisterStatus status) {
    switch (status) {
        case server::ClientRegisterStatus::created: break;
        case server::ClientRegisterStatus::invalid_client_id: return "invalid_client_id";
        case server::ClientRegisterStatus::invalid_name: return "invalid_name";
        case server::ClientRegisterStatus::invalid_redirect_uri: return "invalid_redirect_uri";
        case server::ClientRegisterStatus::invalid_post_logout_redirect_uri:
            return "invalid_post_logout_redirect_uri";
        case server::ClientRegisterStatus::invalid_secret: return "invalid_secret";
        case server::ClientRegisterStatus::client_id_taken: return "client_id_taken";
    }
    return "invalid_argument";
}

int run_add(const Args& args) {
    server::NewClient request;
    request.id = *args.value("id");
    request.name = args.value("name").value_or("");
    request.redirect_uris = args.values("redirect-uri");
    request.post_logout_redirect_uris = args.values("post-logout-redirect-uri");
    request.is_public = args.has("public");
    if (request.is_public && args.has("secret-stdin")) {
        throw UsageError(
            "--public and --secret-stdin exclude each other: a public client has no "
            "secret");
    }
    if (args.has("secret-stdin")) {
        auto input = read_input("-");
        if (!input) return report(input.error());
        std::string secret = std::move(*input);
        // One line end, as `echo` or a password manager adds it; anything else is the secret.
        if (secret.ends_with('\n')) {
            secret.pop_back();
            if (secret.ends_with('\r')) secret.pop_back();
        }
        request.secret = std::move(secret);
    }
    // A request that cannot succeed does not create a data dir.
    if (const auto refusal = server::AdminService::check_client(request)) {
        return fail(error_code(refusal->status), refusal->problem);
    }
    return with_admin(
        args, true, "register clients with 'signet client add'", [&](server::AdminService& admin) {
            const server::ClientRegistration registration = admin.add_client(request);
            if (registration.status != server::ClientRegisterStatus::created) {
                return fail(error_code(registration.status), registration.problem);
            }
            boost::json::object json = client_json(registration.client);
            if (registration.generated_secret) {
                json["client_secret"] = *registration.generated_secret;
            }
            print_json(json);
            if (registration.generated_secret) {
                std::cerr << "The client secret above is shown only this once and cannot be shown "
                             "again (only its hash is stored): keep it now.\n";
            }
            return kExitOk;
        });
}

int run_list(const Args& args) {
    return with_admin(args, false, "register clients with 'signet client add'",
                      [](server::AdminService& admin) {
                          for (const server::Client& client : admin.list_clients())
                              print_json(client_json(client));
                          return kExitOk;
                      });
}

int run_remove(const Args& args) {
    const std::string& id = args.operands().front();
    return with_admin(
        args, false, "register clients with 'signet client add'", [&](server::AdminService& admin) {
            const std::optional<server::ClientRemoval> removal = admin.remove_client(id);
            if (!removal) return fail("client_not_found", "no client '" + id + "'");
            print_json({{"removed", id},
                        {"revoked_refresh_families",
                         static_cast<std::uint64_t>(removal->revoked_families)}});
            return kExitOk;
        });
}

std::vector<Option> with_deployment(std::vector<Option> options) {
    const auto& common = deployment_options();
    options.insert(options.end(), common.begin(), common.end());
    return options;
}

const std::vector<Command>& commands() {
    static const std::vector<Command> table = {
        {"add",
         {.path = "client add",
          .summary = "Register an OAuth client",
          .operands = "",
          .description =
              "Register an OAuth client and print it as `client list` does. The id is 1 to 64\n"
              "letters, digits, '-', '_' or '.'. Each redirect URI (at least one) and\n"
              "post-logout redirect URI is an absolute URI without a fragment: https, http only\n"
              "to 127.0.0.1, [::1] or localhost, or a native app's private-use scheme with a dot\n"
              "(com.example.app:/callback); they are matched exactly. A confidential client\n"
              "(the default) gets a generated secret, printed once as \"client_secret\" (only\n"
              "its SHA-256 is stored), or with --secret-stdin the secret read from standard\n"
              "input (one trailing newline is dropped; at least 32 characters). --public\n"
              "registers a client without a secret (a browser or native app using PKCE).\n"
              "Fails with client_id_taken when the id is registered.",
          .options = with_deployment(
              {{"id", "ID", "The client_id", false, true},
               {"redirect-uri", "URI", "A redirect URI (repeat for several)", true, true},
               {"post-logout-redirect-uri", "URI",
                "Where logout may send the browser back (repeat for several)", true, false},
               {"name", "NAME", "A name shown to people", false, false},
               {"public", "", "A public client: no secret", false, false},
               {"secret-stdin", "", "Read the client secret from standard input", false, false}}),
          .min_operands = 0,
          .max_operands = 0},
         run_add},
        {"list",
         {.path = "client list",
          .summary = "List the OAuth clients, one JSON object per line",
          .operands = "",
          .description =
              "Print every client, oldest first, one JSON object per line: {\"id\",\"type\"\n"
              "(public or confidential),\"name\",\"redirect_uris\",\"post_logout_redirect_uris\",\n"
              "\"created_at\"} (Unix seconds). Secrets are never shown.",
          .options = with_deployment({}),
          .min_operands = 0,
          .max_operands = 0},
         run_list},
        {"remove",
         {.path = "client remove",
          .summary = "Remove an OAuth client and revoke its refresh tokens",
          .operands = "ID",
          .description =
              "Revoke every refresh token issued to the client, then remove it: it can no longer\n"
              "obtain or refresh tokens. Prints {\"removed\",\"revoked_refresh_families\"}.\n"
              "Fails with client_not_found for an unknown id.",
          .options = with_deployment({}),
          .min_operands = 1,
          .max_operands = 1},
         run_remove},
    };
    return table;
}

}  // namespace

std::span<const Command> client_commands() {
    return commands();
}

}  // namespace signet::cli
