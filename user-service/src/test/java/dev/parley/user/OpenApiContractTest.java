package dev.parley.user;

import static io.restassured.RestAssured.given;

import org.junit.jupiter.api.Test;

import dev.parley.testsupport.EmbeddedMongoResource;
import dev.parley.testsupport.OpenApiContract;
import dev.parley.testsupport.TestJwksResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = EmbeddedMongoResource.class, initArgs = @ResourceArg(name = "database", value = "users"))
@WithTestResource(TestJwksResource.class)
class OpenApiContractTest {

    @Test
    void generatedDocumentMatchesTheCommittedContract() {
        String generated = given().accept("application/yaml").get("/q/openapi").then().statusCode(200).extract().asString();
        OpenApiContract.assertCommittedMatches(generated);
    }
}
