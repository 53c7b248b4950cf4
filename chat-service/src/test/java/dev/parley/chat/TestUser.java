package dev.parley.chat;

import java.util.List;
import java.util.Map;

import org.bson.types.ObjectId;

import dev.parley.testsupport.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/** A test user: an id as auth-service would assign, a valid access token, and API shortcuts. */
public record TestUser(String id, String name, String token) {

    public static TestUser create(String name) {
        String id = new ObjectId().toHexString();
        return new TestUser(id, name, TestTokens.user(id, name));
    }

    public RequestSpecification api() {
        return dev.parley.testsupport.OpenApiContract.api().auth().oauth2(token);
    }

    public String directChatWith(TestUser other) {
        return api().contentType(ContentType.JSON).body(Map.of("participantIds", List.of(other.id())))
                .post("/chat").then().statusCode(org.hamcrest.Matchers.oneOf(200, 201)).extract().path("id");
    }

    public JsonPath send(String chatId, String content) {
        return api().contentType(ContentType.JSON).body(Map.of("chatId", chatId, "content", content))
                .post("/chat/message").then().statusCode(201).extract().jsonPath();
    }
}
