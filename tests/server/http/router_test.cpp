// Router: exact paths, the query string ignored, 404 for unknown paths, 405 with Allow otherwise.
#include "server/http/router.hpp"

#include <gtest/gtest.h>

#include "server/http/response.hpp"

namespace signet::server::http {
namespace {

Handler named(std::string name) {
    return [name](const Request& request, RequestContext&) {
        return json_response(request, Status::ok, boost::json::value(name));
    };
}

Router sample_router() {
    Router router;
    router.add(Verb::get, "/v1/me", named("me"));
    router.add(Verb::post, "/v1/sessions", named("create session"), true);
    router.add(Verb::delete_, "/v1/sessions", named("delete session"));
    router.add(Verb::get, "/v1/sessions", named("list sessions"));
    return router;
}

TEST(Router, MatchesExactPathAndMethod) {
    const Router router = sample_router();
    const auto match = router.match(Verb::post, "/v1/sessions");
    ASSERT_NE(match.route, nullptr);
    EXPECT_EQ(match.route->path, "/v1/sessions");
    EXPECT_EQ(match.route->method, Verb::post);
    EXPECT_TRUE(match.route->blocking);
    EXPECT_EQ(match.status, Status::ok);
}

TEST(Router, IgnoresTheQueryString) {
    const Router router = sample_router();
    const auto match = router.match(Verb::get, "/v1/me?x=1&y=/v1/other");
    ASSERT_NE(match.route, nullptr);
    EXPECT_EQ(match.route->path, "/v1/me");
    EXPECT_FALSE(match.route->blocking);
}

TEST(Router, UnknownPathIsNotFound) {
    const Router router = sample_router();
    for (const char* target : {"/v1/unknown", "/v1/me/", "/V1/ME", "/v1", "", "*"}) {
        const auto match = router.match(Verb::get, target);
        EXPECT_EQ(match.route, nullptr) << target;
        EXPECT_EQ(match.status, Status::not_found) << target;
        EXPECT_TRUE(match.allow.empty()) << target;
    }
}

TEST(Router, PathPrefixDoesNotMatch) {
    const Router router = sample_router();
    EXPECT_EQ(router.match(Verb::get, "/v1/mex").route, nullptr);
    EXPECT_EQ(router.match(Verb::get, "/v1/m").route, nullptr);
}

TEST(Router, KnownPathWithOtherMethodIsMethodNotAllowedWithAllow) {
    const Router router = sample_router();
    const auto match = router.match(Verb::put, "/v1/sessions?q");
    EXPECT_EQ(match.route, nullptr);
    EXPECT_EQ(match.status, Status::method_not_allowed);
    EXPECT_EQ(match.allow, "POST, DELETE, GET, HEAD");

    const auto me = router.match(Verb::post, "/v1/me");
    EXPECT_EQ(me.status, Status::method_not_allowed);
    EXPECT_EQ(me.allow, "GET, HEAD");
}

TEST(Router, AllowListsEachMethodOnce) {
    Router router;
    router.add(Verb::get, "/x", named("a"));
    router.add(Verb::get, "/x", named("b"));
    router.add(Verb::post, "/x", named("c"));
    const auto match = router.match(Verb::delete_, "/x");
    EXPECT_EQ(match.allow, "GET, HEAD, POST");
    // The first registration wins.
    const auto first = router.match(Verb::get, "/x");
    ASSERT_NE(first.route, nullptr);
    Request request{Verb::get, "/x", 11};
    RequestContext context;
    EXPECT_EQ(first.route->handler(request, context).body(), "\"a\"");
}

TEST(Router, HeadIsRoutedToTheGetRouteOfThePath) {
    const Router router = sample_router();
    const auto me = router.match(Verb::head, "/v1/me?x");
    ASSERT_NE(me.route, nullptr);
    EXPECT_EQ(me.route->method, Verb::get);
    EXPECT_EQ(me.route->path, "/v1/me");

    Router post_only;
    post_only.add(Verb::post, "/login", named("login"));
    const auto login = post_only.match(Verb::head, "/login");
    EXPECT_EQ(login.route, nullptr);
    EXPECT_EQ(login.status, Status::method_not_allowed);
    EXPECT_EQ(login.allow, "POST");
}

TEST(Router, ExplicitHeadRouteWinsOverGet) {
    Router router;
    router.add(Verb::get, "/x", named("get"));
    router.add(Verb::head, "/x", named("head"));
    const auto match = router.match(Verb::head, "/x");
    ASSERT_NE(match.route, nullptr);
    EXPECT_EQ(match.route->method, Verb::head);
    EXPECT_EQ(router.match(Verb::put, "/x").allow, "GET, HEAD");
}

TEST(Router, KeepsRoutesInRegistrationOrder) {
    const Router router = sample_router();
    ASSERT_EQ(router.routes().size(), 4u);
    EXPECT_EQ(router.routes()[0].path, "/v1/me");
    EXPECT_EQ(router.routes()[3].method, Verb::get);
}

}  // namespace
}  // namespace signet::server::http
