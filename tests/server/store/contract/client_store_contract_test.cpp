// The ClientStore contract (server/store/client_store.hpp): what is created is found as given (URI
// lists in their order), ids are taken once, listing is oldest first, and removal, on every
// engine.
#include <atomic>

#include "server/store/contract/engines.hpp"

namespace signet::server::contract {
namespace {

template <class Engine>
class ClientStoreContract : public EngineTest<Engine> {
  protected:
    ClientStore& clients() { return *this->stores_.clients; }
};
TYPED_TEST_SUITE(ClientStoreContract, ClientEngines, EngineName);

TYPED_TEST(ClientStoreContract, CreatedClientIsFoundWithEveryFieldAndItsUrisInOrder) {
    Client client = make_client("app", 1234);
    client.redirect_uris = {"https://z.example/cb", "com.example.app:/cb",
                            "http://127.0.0.1:8080/cb"};
    client.post_logout_redirect_uris = {"https://z.example/bye", "https://a.example/bye"};
    ASSERT_TRUE(this->clients().create(client));

    const auto found = this->clients().find("app");
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->id, "app");
    EXPECT_EQ(found->name, "App app");
    EXPECT_EQ(found->redirect_uris, client.redirect_uris);
    EXPECT_EQ(found->post_logout_redirect_uris, client.post_logout_redirect_uris);
    EXPECT_EQ(found->secret_hash, client.secret_hash);
    EXPECT_EQ(found->created_at, 1234);
    EXPECT_FALSE(found->is_public());
    EXPECT_FALSE(this->clients().find("other").has_value());
    EXPECT_FALSE(this->clients().find("ap").has_value());
}

TYPED_TEST(ClientStoreContract, APublicClientWithoutPostLogoutUrisIsFoundAsGiven) {
    Client client = make_client("spa");
    client.secret_hash.clear();
    client.name.clear();
    client.post_logout_redirect_uris.clear();
    ASSERT_TRUE(this->clients().create(client));
    const auto found = this->clients().find("spa");
    ASSERT_TRUE(found.has_value());
    EXPECT_TRUE(found->is_public());
    EXPECT_EQ(found->name, "");
    EXPECT_EQ(found->redirect_uris, client.redirect_uris);
    EXPECT_TRUE(found->post_logout_redirect_uris.empty());
}

TYPED_TEST(ClientStoreContract, CreatingATakenIdReturnsFalseAndWritesNothing) {
    ASSERT_TRUE(this->clients().create(make_client("app", 1000)));
    Client impostor = make_client("app", 2000);
    impostor.name = "Impostor";
    impostor.redirect_uris = {"https://evil.example/cb"};
    impostor.post_logout_redirect_uris = {"https://evil.example/bye"};
    EXPECT_FALSE(this->clients().create(impostor));

    const auto found = this->clients().find("app");
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->name, "App app");
    EXPECT_EQ(found->created_at, 1000);
    EXPECT_EQ(found->redirect_uris, make_client("app").redirect_uris);
    EXPECT_EQ(found->post_logout_redirect_uris, make_client("app").post_logout_redirect_uris);
    EXPECT_EQ(this->clients().list().size(), 1U);
}

TYPED_TEST(ClientStoreContract, ListsEveryClientOldestFirstWithItsUris) {
    EXPECT_TRUE(this->clients().list().empty());
    // Created out of id order, two of them in the same second.
    ASSERT_TRUE(this->clients().create(make_client("zeta", 1000)));
    ASSERT_TRUE(this->clients().create(make_client("alpha", 3000)));
    ASSERT_TRUE(this->clients().create(make_client("mid", 2000)));
    ASSERT_TRUE(this->clients().create(make_client("beta", 2000)));

    const auto clients = this->clients().list();
    ASSERT_EQ(clients.size(), 4U);
    EXPECT_EQ(clients[0].id, "zeta");
    EXPECT_EQ(clients[1].id, "mid");
    EXPECT_EQ(clients[2].id, "beta");
    EXPECT_EQ(clients[3].id, "alpha");
    for (const Client& client : clients) {
        EXPECT_EQ(client.redirect_uris, make_client(client.id).redirect_uris) << client.id;
        EXPECT_EQ(client.post_logout_redirect_uris,
                  make_client(client.id).post_logout_redirect_uris)
            << client.id;
        EXPECT_EQ(client.name, "App " + client.id);
    }
}

TYPED_TEST(ClientStoreContract, RemoveForgetsTheClientAndItsUrisOnly) {
    ASSERT_TRUE(this->clients().create(make_client("app")));
    ASSERT_TRUE(this->clients().create(make_client("other")));
    EXPECT_TRUE(this->clients().remove("app"));
    EXPECT_FALSE(this->clients().find("app").has_value());
    EXPECT_FALSE(this->clients().remove("app"));
    EXPECT_FALSE(this->clients().remove("never"));
    const auto clients = this->clients().list();
    ASSERT_EQ(clients.size(), 1U);
    EXPECT_EQ(clients[0].id, "other");
    EXPECT_EQ(clients[0].redirect_uris, make_client("other").redirect_uris);

    // The id is free again, and the new client has only its own URIs.
    Client again = make_client("app", 5000);
    again.redirect_uris = {"https://new.example/cb"};
    again.post_logout_redirect_uris.clear();
    ASSERT_TRUE(this->clients().create(again));
    const auto found = this->clients().find("app");
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->redirect_uris, again.redirect_uris);
    EXPECT_TRUE(found->post_logout_redirect_uris.empty());
}

TYPED_TEST(ClientStoreContract, AClientCreatedOnOneNodeIsSeenAndRemovedOnAnother) {
    EngineStores other = this->stores_.open_again();
    ASSERT_TRUE(this->clients().create(make_client("app")));
    const auto found = other.clients->find("app");
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->redirect_uris, make_client("app").redirect_uris);
    EXPECT_FALSE(other.clients->create(make_client("app")));
    EXPECT_TRUE(other.clients->remove("app"));
    EXPECT_FALSE(this->clients().find("app").has_value());
}

TYPED_TEST(ClientStoreContract, OfConcurrentCreationsOfOneIdExactlyOneSucceeds) {
    EngineStores other = this->stores_.open_again();
    std::atomic<int> created{0};
    run_together(8, [&](int i) {
        ClientStore& store = i % 2 == 0 ? this->clients() : *other.clients;
        Client client = make_client("app");
        client.name = "Attempt " + std::to_string(i);
        client.redirect_uris = {"https://" + std::to_string(i) + ".example/cb"};
        if (store.create(client)) ++created;
    });
    EXPECT_EQ(created.load(), 1);
    const auto clients = this->clients().list();
    ASSERT_EQ(clients.size(), 1U);
    // The winner's URIs only, none of the losers'.
    const std::string winner = clients[0].name.substr(std::string("Attempt ").size());
    EXPECT_EQ(clients[0].redirect_uris,
              std::vector<std::string>{"https://" + winner + ".example/cb"});
}

}  // namespace
}  // namespace signet::server::contract
