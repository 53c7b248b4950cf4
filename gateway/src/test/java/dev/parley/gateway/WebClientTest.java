package dev.parley.gateway;

import static dev.parley.gateway.Client.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.parley.testsupport.TestJwksResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The web client's page and bundles are served at / by the gateway itself, under the page's own policy. */
@QuarkusTest
@WithTestResource(StandInUpstreams.class)
@WithTestResource(TestJwksResource.class)
class WebClientTest extends StandInUpstreamTest {

    private static final Pattern SCRIPT = Pattern.compile("<script\\b[^>]*>");
    private static final Pattern BUNDLE = Pattern.compile("(?:src|href)=\"(/static/bundle/[^\"]+\\.(?:js|css))\"");

    @Test
    void thePageHasItsOwnPolicyAndNoInlineScript() {
        String page = given().get("/").then().statusCode(200)
                .contentType(startsWith("text/html"))
                .header("Content-Security-Policy", equalTo("default-src 'self'; connect-src 'self' ws://" + gateway.getHost()
                        + ":" + gateway.getPort() + "; object-src 'none'; base-uri 'none'; form-action 'self';"
                        + " frame-ancestors 'none'"))
                .header("Cache-Control", "no-cache")
                .header("X-Frame-Options", "DENY")
                .header("X-Content-Type-Options", "nosniff")
                .extract().asString();
        Matcher scripts = SCRIPT.matcher(page);
        int count = 0;
        while (scripts.find()) {
            count++;
            assertTrue(scripts.group().contains(" src=\"/static/bundle/"), "only bundled scripts, never inline: " + scripts.group());
        }
        assertEquals(1, count, page);
        assertTrue(page.contains("<meta name=\"viewport\""), "usable on a phone");
        assertEquals(List.of(), upstreams.receivedSoFar(), "the page reaches no service");
    }

    @Test
    void theBundlesAreServedAndNoOtherPathWithThem() {
        String page = given().get("/").then().statusCode(200).extract().asString();
        Matcher bundles = BUNDLE.matcher(page);
        int count = 0;
        while (bundles.find()) {
            count++;
            String path = bundles.group(1);
            given().get(path).then().statusCode(200)
                    .contentType(path.endsWith(".js") ? containsString("javascript") : containsString("text/css"))
                    // not a document: the API's policy is kept
                    .header("Content-Security-Policy", HeadersAndCorsTest.SECURITY_HEADERS.get("Content-Security-Policy"));
        }
        assertEquals(2, count, "one script and one style sheet: " + page);
        given().post("/").then().statusCode(404).contentType("application/problem+json").body("code", equalTo("not_found"));
    }
}
