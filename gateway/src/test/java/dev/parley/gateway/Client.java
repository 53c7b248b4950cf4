package dev.parley.gateway;

import dev.parley.testsupport.TestTokens;
import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.specification.RequestSpecification;

/** REST-assured with time-outs, so a request the gateway never answers fails the test instead of hanging it. */
final class Client {

    static final String ALICE = "64b7f0c2a1b2c3d4e5f60718";
    static final String BOB = "64b7f0c2a1b2c3d4e5f60719";

    private static final RestAssuredConfig BOUNDED = RestAssured.config().httpClient(HttpClientConfig.httpClientConfig()
            .setParam("http.connection.timeout", 5_000)
            .setParam("http.socket.timeout", 10_000));

    private Client() {
    }

    static RequestSpecification given() {
        return RestAssured.given().config(BOUNDED);
    }

    /** A request with Alice's valid access token. */
    static RequestSpecification asAlice() {
        return given().auth().oauth2(TestTokens.user(ALICE, "alice"));
    }
}
