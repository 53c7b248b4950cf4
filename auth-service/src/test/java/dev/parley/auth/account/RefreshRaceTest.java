package dev.parley.auth.account;

import static dev.parley.testsupport.OpenApiContract.api;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

import jakarta.inject.Inject;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.parley.auth.Accounts;
import dev.parley.testsupport.EmbeddedMongo;
import dev.parley.testsupport.EmbeddedMongoResource;
import dev.parley.testsupport.InjectEmbeddedMongo;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * A refresh racing a revocation of its session (a second presentation of the same token, a
 * logout, a logout-all) never leaves anything usable. The revocation is put exactly into the
 * window between redeeming the token and storing its successor through {@code afterRedeem}, or,
 * without that seam, raced for real by two simultaneous requests.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedMongoResource.class, initArgs = @ResourceArg(name = "database", value = "auth"))
class RefreshRaceTest {

    private static final int ROUNDS = 50;

    @InjectEmbeddedMongo
    EmbeddedMongo store;

    @Inject
    AccountService accounts;

    @AfterEach
    void leaveTheWindowEmpty() {
        ClientProxy.unwrap(accounts).afterRedeem = used -> {
        };
    }

    @Test
    void aRefreshGetsNoTokensWhenTheSameTokenIsPresentedAgainBeforeItsSuccessorIsStored() {
        JsonPath login = Accounts.register(Accounts.uniqueName("olga"));
        String token = login.getString("refreshToken");
        AtomicInteger second = revokeOnceInTheWindow(() -> Accounts.refresh(token).statusCode());

        assertRefusedWithoutTokens(Accounts.refresh(token));
        assertEquals(401, second.get(), "the second presentation is the reuse");
        assertNothingLiveOf(login.getString("user.id"));
    }

    @Test
    void aRefreshGetsNoTokensWhenItsSessionIsLoggedOutBeforeItsSuccessorIsStored() {
        JsonPath login = Accounts.register(Accounts.uniqueName("otto"));
        String token = login.getString("refreshToken");
        AtomicInteger logout = revokeOnceInTheWindow(() -> api().contentType(ContentType.JSON)
                .body(Map.of("refreshToken", token)).post("/auth/logout").statusCode());

        assertRefusedWithoutTokens(Accounts.refresh(token));
        assertEquals(204, logout.get());
        assertNothingLiveOf(login.getString("user.id"));
    }

    @Test
    void aRefreshGetsNoTokensWhenTheUserLogsOutEverywhereBeforeItsSuccessorIsStored() {
        JsonPath login = Accounts.register(Accounts.uniqueName("orla"));
        AtomicInteger logoutAll = revokeOnceInTheWindow(() -> api().auth().oauth2(login.getString("accessToken"))
                .post("/auth/logout-all").statusCode());

        assertRefusedWithoutTokens(Accounts.refresh(login.getString("refreshToken")));
        assertEquals(204, logoutAll.get());
        assertNothingLiveOf(login.getString("user.id"));
    }

    @Test
    void ofTwoSimultaneousRefreshesWithOneTokenAtMostOneSucceedsAndNoTokenOfThatSessionWorksAfterwards()
            throws Exception {
        String name = Accounts.uniqueName("pia");
        JsonPath registration = Accounts.register(name);
        // only the raced sessions stay: each of them must end up entirely revoked
        api().contentType(ContentType.JSON).body(Map.of("refreshToken", registration.getString("refreshToken")))
                .post("/auth/logout").then().statusCode(204);
        List<String> escapes = new ArrayList<>();
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            for (int round = 1; round <= ROUNDS; round++) {
                String token = Accounts.login(name).getString("refreshToken");
                CyclicBarrier together = new CyclicBarrier(2);
                Callable<Response> present = () -> {
                    RequestSpecification request = api().contentType(ContentType.JSON)
                            .body(Map.of("refreshToken", token));
                    together.await(10, TimeUnit.SECONDS);
                    return request.post("/auth/refresh");
                };
                Future<Response> first = two.submit(present);
                Future<Response> second = two.submit(present);
                List<Response> answers = List.of(first.get(30, TimeUnit.SECONDS), second.get(30, TimeUnit.SECONDS));

                List<Integer> statuses = answers.stream().map(Response::statusCode).toList();
                assertTrue(statuses.stream().allMatch(s -> s == 200 || s == 401), "round " + round + ": " + statuses);
                assertTrue(statuses.stream().filter(s -> s == 200).count() <= 1, "round " + round + ": both got 200");
                // both presentations happened, so the reuse was seen: no token of this session may work now
                for (Response answer : answers) {
                    if (answer.statusCode() == 200) {
                        int again = Accounts.refresh(answer.path("refreshToken")).statusCode();
                        if (again != 401) {
                            escapes.add("round " + round + ": the successor answered " + again);
                        }
                    }
                }
            }
        } finally {
            two.shutdownNow();
        }
        assertEquals(List.of(), escapes, escapes.size() + " of " + ROUNDS + " rounds left a live token in a session"
                + " whose token was reused");
        assertEquals(0, store.count("refresh_tokens",
                new Document("userId", registration.getString("user.id")).append("revokedAt", null)));
    }

    /** The next refresh runs the revocation between redeeming its token and storing the successor. */
    private AtomicInteger revokeOnceInTheWindow(IntSupplier revocation) {
        AtomicInteger status = new AtomicInteger();
        AccountService service = ClientProxy.unwrap(accounts);
        service.afterRedeem = used -> {
            service.afterRedeem = next -> {
            };
            status.set(revocation.getAsInt());
        };
        return status;
    }

    private static void assertRefusedWithoutTokens(Response refresh) {
        refresh.then().statusCode(401).contentType("application/problem+json")
                .body("code", equalTo("invalid_refresh_token"))
                .body("accessToken", nullValue())
                .body("refreshToken", nullValue());
    }

    /** The login's token and the successor stored for the refused refresh, both revoked. */
    private void assertNothingLiveOf(String userId) {
        assertEquals(2, store.count("refresh_tokens", new Document("userId", userId)));
        assertEquals(0, store.count("refresh_tokens", new Document("userId", userId).append("revokedAt", null)));
        assertEquals(1, store.count("refresh_families", new Document("userId", userId)
                .append("revokedAt", new Document("$ne", null))));
    }
}
