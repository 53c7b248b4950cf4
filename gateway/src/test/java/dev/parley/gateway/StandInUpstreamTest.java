package dev.parley.gateway;

import java.net.URI;

import org.junit.jupiter.api.BeforeEach;

import io.quarkus.test.common.http.TestHTTPResource;

/**
 * What the gateway tests against {@link StandInUpstreams} share: the stand-ins' handle (injected by
 * the test resource), cleared before each test, and the gateway's own URL.
 */
abstract class StandInUpstreamTest {

    StandInUpstreams.Handle upstreams;

    @TestHTTPResource("/")
    URI gateway;

    @BeforeEach
    void forgetEarlierRequests() {
        upstreams.clear();
    }
}
