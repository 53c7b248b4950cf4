package dev.parley.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Review M5: whatever form of access_token the check accepts, the redaction removes. */
class QueryTokenTest {

    @Test
    void everyFormTheCheckReadsIsOneTheRedactionRemoves() {
        for (String query : new String[] { "access_token=T&since=m1", "since=m1;access_token=T", "acc%65ss_token=T&since=m1",
                "since=m1&ACCESS_TOKEN=T", "since=m1;%61ccess_token=T" }) {
            assertEquals("T", QueryToken.find(query), query);
            assertEquals("since=m1", QueryToken.strip(query), query);
        }
    }

    @Test
    void aQueryWithoutATokenIsLeftAlone() {
        assertNull(QueryToken.find("since=m1&x=2"));
        assertEquals("since=m1&x=2", QueryToken.strip("since=m1&x=2"));
        assertNull(QueryToken.strip("access_token=T"));
        assertNull(QueryToken.strip(null));
        assertEquals("bad=%zz", QueryToken.strip("bad=%zz&access_token=T"), "a broken escape does not break the redaction");
    }

    @Test
    void aPercentEncodedTokenValueIsDecodedOnce() {
        assertEquals("a.b+c", QueryToken.find("access_token=a.b%2Bc"));
    }
}
