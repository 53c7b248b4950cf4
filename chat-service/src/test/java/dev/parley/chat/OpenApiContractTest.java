package dev.parley.chat;

import static io.restassured.RestAssured.given;

import org.junit.jupiter.api.Test;

import dev.parley.testsupport.OpenApiContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@ChatTestResources
class OpenApiContractTest {

    @Test
    void generatedDocumentMatchesTheCommittedContract() {
        String generated = given().accept("application/yaml").get("/q/openapi").then().statusCode(200).extract().asString();
        OpenApiContract.assertCommittedMatches(generated);
    }
}
