package dev.parley.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.parley.auth.profile.UserServiceClient;
import dev.parley.testsupport.StandInServer;

/**
 * The stand-in for user-service holds auth-service to user-service's committed contract: what
 * auth-service's client sends passes, and a field user-service does not declare fails the test.
 */
class UserServiceContractTest {

    private static final String PROFILE = "{\"id\":\"665f1c2ab3e4d5f6a7b8c9d0\",\"username\":\"sam\","
            + "\"email\":\"sam@example.com\",\"profilePic\":null,\"status\":\"offline\",\"lastSeen\":null}";

    private final UserServiceStandIn standIn = new UserServiceStandIn();
    private final HttpClient http = HttpClient.newHttpClient();
    private StandInServer.Handle userService;
    private String baseUrl;

    @BeforeEach
    void start() {
        baseUrl = standIn.start().get("quarkus.rest-client.user-service.url");
        userService = standIn.handle();
        userService.answer("/internal/users", 201, PROFILE);
    }

    @AfterEach
    void stop() {
        standIn.stop();
    }

    @Test
    void theSeedAuthServiceSendsIsOneUserServiceAccepts() throws Exception {
        String seed = new ObjectMapper().writeValueAsString(
                new UserServiceClient.ProfileSeed("665f1c2ab3e4d5f6a7b8c9d0", "sam", "sam@example.com"));

        assertEquals(201, createProfile(seed).statusCode());
        assertEquals("/internal/users", userService.next().path());
    }

    @Test
    void aFieldUserServiceDoesNotDeclareFailsTheConsumersTest() throws Exception {
        String seed = "{\"id\":\"665f1c2ab3e4d5f6a7b8c9d0\",\"username\":\"sam\",\"email\":\"sam@example.com\","
                + "\"displayName\":\"Sam\"}";

        HttpResponse<String> answer = createProfile(seed);

        assertEquals(500, answer.statusCode());
        assertTrue(answer.body().contains("displayName"), answer.body());
        AssertionError failure = assertThrows(AssertionError.class, userService::next);
        assertTrue(failure.getMessage().contains("../user-service/openapi.yaml"), failure.getMessage());
        assertEquals(List.of(), userService.takeViolations(), "the breach was reported once");
    }

    @Test
    void anAnswerUserServiceCouldNotGiveFailsTheConsumersTest() throws Exception {
        userService.answer("/internal/users", 201, "{\"id\":\"665f1c2ab3e4d5f6a7b8c9d0\"}");

        HttpResponse<String> answer = createProfile("{\"id\":\"665f1c2ab3e4d5f6a7b8c9d0\",\"username\":\"sam\","
                + "\"email\":\"sam@example.com\"}");

        assertEquals(500, answer.statusCode());
        assertTrue(answer.body().contains("username"), answer.body());
        assertThrows(AssertionError.class, userService::next);
    }

    private HttpResponse<String> createProfile(String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/internal/users"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer service-token")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
