package dev.parley.auth.account;

import static dev.parley.testsupport.OpenApiContract.api;
import static org.hamcrest.Matchers.equalTo;
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

import jakarta.inject.Inject;

import org.bson.Document;
import org.junit.jupiter.api.Test;

import dev.parley.auth.Accounts;
import dev.parley.testsupport.EmbeddedMongo;
import dev.parley.testsupport.EmbeddedMongoResource;
import dev.parley.testsupport.InjectEmbeddedMongo;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Password guessing is limited per account, from however many addresses it comes (the gateway
 * limits addresses; it cannot see accounts): 5 attempts are checked at once, then one per growing
 * delay, the rest refused with 429 and Retry-After; the owner gets in once the delay has passed.
 */
@QuarkusTest
@WithTestResource(value = EmbeddedMongoResource.class, initArgs = @ResourceArg(name = "database", value = "auth"))
class SignInThrottleTest {

    private static final int FREE = 5;

    @InjectEmbeddedMongo
    EmbeddedMongo store;

    @Inject
    PasswordHasher passwords;

    private static Response attempt(String field, String name, String password, int address) {
        return api().contentType(ContentType.JSON).header("X-Forwarded-For", "203.0.113." + address)
                .body(Map.of(field, name, "password", password)).post("/auth/login");
    }

    @Test
    void twentyWrongPasswordsFromTwentyAddressesAreStoppedAndTheOwnerStillGetsIn() {
        String name = Accounts.uniqueName("target");
        Accounts.register(name);
        String other = Accounts.uniqueName("bystander");
        Accounts.register(other);

        List<Integer> statuses = new ArrayList<>();
        long retryAfter = 0;
        for (int i = 1; i <= 20; i++) {
            Response r = attempt("username", name, "wrong guess " + i, i);
            statuses.add(r.statusCode());
            if (r.statusCode() == 429) {
                r.then().contentType("application/problem+json").body("code", equalTo("too_many_attempts"));
                retryAfter = Long.parseLong(r.header("Retry-After"));
            }
        }
        // five at once, the sixth opens the first delay, everything inside it is refused unchecked
        assertEquals(FREE + 1, statuses.stream().filter(s -> s == 401).count(), statuses.toString());
        assertEquals(20 - FREE - 1, statuses.stream().filter(s -> s == 429).count(), statuses.toString());
        assertTrue(retryAfter >= 1 && retryAfter <= 30, "Retry-After " + retryAfter);

        // someone else on the same addresses is not affected
        Accounts.login(other);

        // the owner, by email this time (the same account, the same count), once the wait is over
        // until the account's next checked attempt is due, read from its record (an attempt would count)
        String account = "user:" + store.database().getCollection("credentials")
                .find(new Document("usernameKey", name.toLowerCase())).first().getObjectId("_id").toHexString();
        dev.parley.testsupport.Await.until("the delay is over", java.time.Duration.ofSeconds(retryAfter + 5), () -> {
            Document attempts = store.database().getCollection("sign_in_attempts").find(new Document("_id", account)).first();
            return attempts.getDate("nextAllowedAt").toInstant().isBefore(java.time.Instant.now());
        });
        api().contentType(ContentType.JSON).body(Map.of("email", name + "@example.com", "password", Accounts.PASSWORD))
                .post("/auth/login").then().statusCode(200);
        // and the success cleared the count: a typo now is an ordinary 401
        attempt("username", name, "a typo", 1).then().statusCode(401).body("code", equalTo("invalid_credentials"));
    }

    @Test
    void anUnknownNameIsThrottledExactlyLikeAnAccountSoA429RevealsNothing() {
        String known = Accounts.uniqueName("known");
        Accounts.register(known);
        String unknown = "nobody_" + Accounts.uniqueName("x");

        for (int i = 1; i <= FREE + 1; i++) {
            Response k = attempt("username", known, "wrong", i);
            Response u = attempt("username", unknown, "wrong", i);
            assertEquals(401, k.statusCode());
            assertEquals(k.asString(), u.asString());
        }
        Response k = attempt("username", known, "wrong", 99);
        Response u = attempt("username", unknown, "wrong", 99);
        assertEquals(429, k.statusCode());
        assertEquals(k.statusCode(), u.statusCode());
        assertEquals(k.jsonPath().getString("code"), u.jsonPath().getString("code"));
        assertTrue(store.database().getCollection("sign_in_attempts")
                .countDocuments(new Document("_id", new Document("$regex", unknown))) == 0, "the typed name is not stored");
    }

    @Test
    void concurrentGuessesGetNoMoreChecksThanSequentialOnes() throws Exception {
        String name = Accounts.uniqueName("raced");
        Accounts.register(name);
        int parallel = 24;
        CyclicBarrier start = new CyclicBarrier(parallel);
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < parallel; i++) {
                int address = i;
                Callable<Integer> guess = () -> {
                    start.await();
                    return attempt("username", name, "guess " + address, address).statusCode();
                };
                answers.add(pool.submit(guess));
            }
            int checked = 0;
            int refused = 0;
            for (Future<Integer> answer : answers) {
                int status = answer.get();
                checked += status == 401 ? 1 : 0;
                refused += status == 429 ? 1 : 0;
            }
            assertEquals(parallel, checked + refused);
            assertTrue(checked <= FREE + 1, checked + " guesses were checked");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aHashMadeWithAnotherCostIsRemadeWithTheConfiguredOneAtSignIn() {
        String name = Accounts.uniqueName("oldhash");
        String id = Accounts.register(name).getString("user.id");
        var credentials = store.database().getCollection("credentials");
        var byId = new Document("_id", new org.bson.types.ObjectId(id));
        credentials.updateOne(byId, new Document("$set", new Document("passwordHash", passwords.hash(Accounts.PASSWORD, 5))));
        assertTrue(credentials.find(byId).first().getString("passwordHash").startsWith("$2a$05$"));

        Accounts.login(name);

        String rehashed = credentials.find(byId).first().getString("passwordHash");
        assertTrue(rehashed.startsWith("$2a$04$"), rehashed); // the test profile's cost
        Accounts.login(name); // and the new hash verifies
    }
}
