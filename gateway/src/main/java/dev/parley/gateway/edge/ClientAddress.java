package dev.parley.gateway.edge;

import java.util.Arrays;

import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

/**
 * Who the client is, as far as the network tells us: the TCP peer, or the hop a trusted proxy
 * reports ({@link TrustedProxies}, resolved once per request by the edge), and how upstreams
 * learn it.
 *
 * <p>{@link #network()} is what a per-client budget is keyed by: an IPv4 address as it is, an IPv6
 * address by its /64, since a single subscriber is handed a whole /64 and picks addresses in it
 * at will (RFC 4291 interface ids; privacy extensions rotate them): keyed by the full address, one
 * client would have 2^64 budgets (review M6).
 */
public final class ClientAddress {

    /** RoutingContext key: this request's client, set by the edge before anything else reads it. */
    static final String KEY = "parley.client-address";
    private static final ClientAddress UNKNOWN = new ClientAddress("unknown", "unknown");

    private final String address;
    private final String network;

    private ClientAddress(String address, String network) {
        this.address = address;
        this.network = network;
    }

    /** The client of this request (its TCP peer if the edge has not resolved one). */
    public static ClientAddress of(RoutingContext ctx) {
        ClientAddress resolved = ctx.get(KEY);
        return resolved != null ? resolved : peer(ctx.request());
    }

    /** The TCP peer itself: the connection's, never one rewritten from forwarding headers. */
    static ClientAddress peer(HttpServerRequest request) {
        SocketAddress peer = request.connection() == null ? null : request.connection().remoteAddress();
        if (peer == null || peer.hostAddress() == null) {
            return UNKNOWN;
        }
        byte[] ip = parse(peer.hostAddress());
        return ip == null ? UNKNOWN : of(ip);
    }

    /** The address as text, e.g. {@code 203.0.113.7} or {@code 2001:db8::1}. */
    public String address() {
        return address;
    }

    /** What per-client limits are keyed by: the IPv4 address, or the IPv6 /64 ({@code 2001:db8:1:2::/64}). */
    public String network() {
        return network;
    }

    @Override
    public String toString() {
        return address;
    }

    /** Sets the forwarding headers upstreams read; whatever the client claimed there is replaced. */
    public static void forward(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        request.headers().set("X-Forwarded-For", of(ctx).address());
        request.headers().set("X-Forwarded-Proto", request.scheme());
        request.headers().remove("Forwarded");
    }

    static ClientAddress of(byte[] ip) {
        String text = NetUtil.bytesToIpAddress(ip);
        if (ip.length == 4) {
            return new ClientAddress(text, text);
        }
        byte[] prefix = Arrays.copyOf(Arrays.copyOf(ip, 8), 16);
        return new ClientAddress(text, NetUtil.bytesToIpAddress(prefix) + "/64");
    }

    /**
     * An IP literal (IPv4, IPv6, optionally {@code [bracketed]}, with a port or a zone id) as 4 or
     * 16 bytes; an IPv4-mapped IPv6 address as the IPv4 it maps. Null for anything else: never a
     * DNS lookup.
     */
    static byte[] parse(String text) {
        String s = text.trim();
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                return null;
            }
            s = s.substring(1, close);
        } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':') && s.indexOf('.') > 0) {
            s = s.substring(0, s.indexOf(':')); // 203.0.113.7:4711
        }
        int zone = s.indexOf('%');
        if (zone >= 0) {
            s = s.substring(0, zone);
        }
        if (!NetUtil.isValidIpV4Address(s) && !NetUtil.isValidIpV6Address(s)) {
            return null;
        }
        byte[] ip = NetUtil.createByteArrayFromIpAddressString(s);
        if (ip != null && ip.length == 16 && isIpv4Mapped(ip)) {
            return Arrays.copyOfRange(ip, 12, 16);
        }
        return ip;
    }

    private static boolean isIpv4Mapped(byte[] ip) {
        for (int i = 0; i < 10; i++) {
            if (ip[i] != 0) {
                return false;
            }
        }
        return ip[10] == (byte) 0xff && ip[11] == (byte) 0xff;
    }
}
