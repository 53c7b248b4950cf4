package dev.parley.gateway.edge;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.parley.gateway.GatewayConfig;
import io.quarkus.runtime.Startup;
import io.vertx.core.http.HttpServerRequest;

/**
 * Which peers may tell us who the client is ({@code parley.gateway.trusted-proxies}, CIDRs), and
 * the client a request comes from.
 *
 * <p>{@code X-Forwarded-For} is read only when the TCP peer itself is a trusted proxy, and then
 * from the right: each proxy appends the address it saw, so the rightmost entry that is not a
 * trusted proxy is the first address nobody we trust could have made up. Whatever a client wrote
 * into the header itself is to the left of it and is never used (review M6: Quarkus'
 * forwarding takes the leftmost entry, which is the client's own claim once an ingress appends
 * rather than overwrites). With no trusted proxies (the default) the header is ignored and the
 * peer is the client. The peer is always the connection's own address, so it holds even with
 * {@code quarkus.http.proxy.proxy-address-forwarding} on.
 *
 * <p>Hand-written rather than Quarkus' {@code ForwardedParser} for that reason; the matching is a
 * few lines of prefix comparison on the bytes of IP literals (never a DNS lookup).
 */
@Startup // a malformed CIDR stops the gateway from starting
@ApplicationScoped
public class TrustedProxies {

    /** Hops read from the right at most; a chain longer than this is someone padding it. */
    static final int MAX_HOPS = 32;

    private final List<Cidr> trusted;

    @Inject
    public TrustedProxies(GatewayConfig config) {
        this(config.trustedProxies().orElse(List.of()));
    }

    TrustedProxies(List<String> cidrs) {
        List<Cidr> parsed = new ArrayList<>();
        for (String cidr : cidrs) {
            if (!cidr.isBlank()) {
                parsed.add(Cidr.parse(cidr.trim()));
            }
        }
        this.trusted = List.copyOf(parsed);
    }

    /** The client of this request: the peer, or the rightmost untrusted {@code X-Forwarded-For} hop when the peer is trusted. */
    public ClientAddress clientOf(HttpServerRequest request) {
        ClientAddress peer = ClientAddress.peer(request);
        if (trusted.isEmpty()) {
            return peer;
        }
        List<String> forwarded = request.headers().getAll("X-Forwarded-For");
        return clientOf(peer, forwarded);
    }

    ClientAddress clientOf(ClientAddress peer, List<String> forwardedHeaders) {
        byte[] peerIp = ClientAddress.parse(peer.address());
        if (peerIp == null || !isTrusted(peerIp) || forwardedHeaders.isEmpty()) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedHeaders) {
            for (String hop : header.split(",")) {
                hops.add(hop);
            }
        }
        byte[] nearest = peerIp;
        int examined = 0;
        for (int i = hops.size() - 1; i >= 0 && examined < MAX_HOPS; i--, examined++) {
            byte[] ip = ClientAddress.parse(hops.get(i));
            if (ip == null) {
                break; // a broken chain: the last hop we trust is as far as we can see
            }
            if (!isTrusted(ip)) {
                return ClientAddress.of(ip);
            }
            nearest = ip;
        }
        return ClientAddress.of(nearest); // every hop a proxy of ours (or unreadable beyond): the farthest we can vouch for
    }

    boolean isTrusted(byte[] ip) {
        for (Cidr cidr : trusted) {
            if (cidr.contains(ip)) {
                return true;
            }
        }
        return false;
    }

    /** An IPv4 or IPv6 network, {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is the network of just it. */
    record Cidr(byte[] network, int bits) {

        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            byte[] ip = ClientAddress.parse(slash < 0 ? text : text.substring(0, slash));
            if (ip == null) {
                throw new IllegalArgumentException("parley.gateway.trusted-proxies: not an IP address or CIDR: " + text);
            }
            int bits = ip.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > ip.length * 8) {
                    throw new IllegalArgumentException("parley.gateway.trusted-proxies: bad prefix length in " + text);
                }
            }
            return new Cidr(ip, bits);
        }

        boolean contains(byte[] ip) {
            if (ip.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (ip[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (ip[full] & mask) == (network[full] & mask);
        }
    }
}
