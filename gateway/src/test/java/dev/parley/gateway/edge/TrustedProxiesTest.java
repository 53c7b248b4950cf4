package dev.parley.gateway.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Who the client is, from the peer and X-Forwarded-For (review M6): the header only from a trusted proxy, read from the right. */
class TrustedProxiesTest {

    private static final TrustedProxies INGRESS = new TrustedProxies(List.of("10.244.0.0/16", "fd00:abcd::/32"));
    private static final ClientAddress INGRESS_POD = ClientAddress.of(ClientAddress.parse("10.244.1.7"));
    private static final ClientAddress SOMEONE = ClientAddress.of(ClientAddress.parse("198.51.100.20"));

    @Test
    void anUntrustedPeerIsTheClientWhateverItsHeaderSays() {
        assertEquals("198.51.100.20", INGRESS.clientOf(SOMEONE, List.of("203.0.113.9")).address());
        assertEquals("10.244.1.7", new TrustedProxies(List.of()).clientOf(INGRESS_POD, List.of("203.0.113.9")).address(),
                "no trusted proxies (the default): the header is never read");
    }

    @Test
    void fromATrustedPeerTheRightmostUntrustedHopIsTheClient() {
        // the client wrote "1.2.3.4" itself; the ingress appended the address it saw
        assertEquals("203.0.113.9", INGRESS.clientOf(INGRESS_POD, List.of("1.2.3.4, 203.0.113.9")).address());
        // a second proxy of ours in the chain is passed over
        assertEquals("203.0.113.9", INGRESS.clientOf(INGRESS_POD, List.of("1.2.3.4, 203.0.113.9, 10.244.3.3")).address());
        // several headers are one list, in order
        assertEquals("203.0.113.9", INGRESS.clientOf(INGRESS_POD, List.of("1.2.3.4", "203.0.113.9")).address());
    }

    @Test
    void aChainOfTrustedHopsOnlyEndsAtItsFarthestHop() {
        assertEquals("10.244.9.9", INGRESS.clientOf(INGRESS_POD, List.of("10.244.9.9, 10.244.3.3")).address());
        assertEquals("10.244.1.7", INGRESS.clientOf(INGRESS_POD, List.of()).address(), "no header: the peer");
    }

    @Test
    void anUnreadableHopStopsTheWalkAtTheLastTrustedOne() {
        // never a DNS lookup, never a key made of whatever text a client sends
        assertEquals("10.244.3.3", INGRESS.clientOf(INGRESS_POD, List.of("203.0.113.9, evil.example, 10.244.3.3")).address());
        assertEquals("10.244.1.7", INGRESS.clientOf(INGRESS_POD, List.of("unknown")).address());
    }

    @Test
    void hopsMayCarryPortsBracketsAndMappedAddresses() {
        assertEquals("203.0.113.9", INGRESS.clientOf(INGRESS_POD, List.of("203.0.113.9:4711")).address());
        assertEquals("2001:db8::1", INGRESS.clientOf(INGRESS_POD, List.of("[2001:db8::1]:443")).address());
        assertEquals("203.0.113.9", INGRESS.clientOf(INGRESS_POD, List.of("::ffff:203.0.113.9")).address());
        assertEquals("2001:db8::1", INGRESS.clientOf(INGRESS_POD, List.of("2001:db8::1, fd00:abcd::5")).address(),
                "an IPv6 proxy of ours is passed over too");
    }

    @Test
    void ipv6ClientsAreKeyedByTheirSlash64AndIpv4ByTheAddress() {
        assertEquals("2001:db8:1:2::/64", ClientAddress.of(ClientAddress.parse("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).network());
        assertEquals("2001:db8:1:2::/64", ClientAddress.of(ClientAddress.parse("2001:db8:1:2::1")).network());
        assertEquals("2001:db8:1:3::/64", ClientAddress.of(ClientAddress.parse("2001:db8:1:3::1")).network());
        assertEquals("203.0.113.9", ClientAddress.of(ClientAddress.parse("203.0.113.9")).network());
    }

    @Test
    void cidrsMatchByTheirPrefix() {
        TrustedProxies proxies = new TrustedProxies(List.of("192.168.4.0/22", "127.0.0.1", "2001:db8::/127"));
        assertTrue(proxies.isTrusted(ClientAddress.parse("192.168.7.255")));
        assertFalse(proxies.isTrusted(ClientAddress.parse("192.168.8.0")));
        assertTrue(proxies.isTrusted(ClientAddress.parse("127.0.0.1")));
        assertFalse(proxies.isTrusted(ClientAddress.parse("127.0.0.2")));
        assertTrue(proxies.isTrusted(ClientAddress.parse("2001:db8::1")));
        assertFalse(proxies.isTrusted(ClientAddress.parse("2001:db8::2")));
        assertFalse(proxies.isTrusted(ClientAddress.parse("::ffff:10.0.0.1")), "IPv4 rules never match other addresses");
        assertNull(ClientAddress.parse("localhost"));
    }

    @Test
    void aMalformedTrustedProxyStopsTheStart() {
        assertThrows(IllegalArgumentException.class, () -> new TrustedProxies(List.of("10.0.0.0/33")));
        assertThrows(IllegalArgumentException.class, () -> new TrustedProxies(List.of("ingress.example")));
        assertThrows(IllegalArgumentException.class, () -> new TrustedProxies(List.of("10.0.0.0/x")));
    }
}
