package dev.parley.auth;

import static dev.parley.testsupport.OpenApiContract.api;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** Test-side shortcuts for the auth API (public for the tests of feature packages). */
public final class Accounts {

    private static final AtomicInteger SEQ = new AtomicInteger();
    public static final String PASSWORD = "correct horse battery";

    private Accounts() {
    }

    public static String uniqueName(String prefix) {
        return prefix + "_" + System.nanoTime() % 1_000_000 + "_" + SEQ.incrementAndGet();
    }

    public static JsonPath register(String username) {
        return api().contentType(ContentType.JSON)
                .body(Map.of("username", username, "email", username + "@example.com", "password", PASSWORD))
                .post("/auth/register")
                .then().statusCode(201).extract().jsonPath();
    }

    public static JsonPath login(String username) {
        return api().contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", PASSWORD))
                .post("/auth/login")
                .then().statusCode(200).extract().jsonPath();
    }

    public static io.restassured.response.Response refresh(String refreshToken) {
        return api().contentType(ContentType.JSON).body(Map.of("refreshToken", refreshToken)).post("/auth/refresh");
    }
}
