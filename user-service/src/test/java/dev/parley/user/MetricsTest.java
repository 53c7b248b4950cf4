package dev.parley.user;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.parley.testsupport.EmbeddedMongoResource;
import dev.parley.testsupport.TestJwksResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** What an operator watches: requests by route template and status, and the store's pool. */
@QuarkusTest
@WithTestResource(value = EmbeddedMongoResource.class, initArgs = @ResourceArg(name = "database", value = "users"))
@WithTestResource(TestJwksResource.class)
class MetricsTest {

    @Test
    void requestsAreCountedByTemplateNotByRawPath() {
        Users.asSomeone().get("/user/" + Users.newId()).then().statusCode(404);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("uri=\"/user/{id}\""), "by template: one series for every id");
        assertTrue(!metrics.contains("uri=\"/user/6"), "never one series per id");
        assertTrue(metrics.contains("mongodb_driver_pool_size"), "the store's connection pool");
    }
}
