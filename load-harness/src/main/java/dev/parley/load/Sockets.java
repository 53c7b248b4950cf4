package dev.parley.load;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * WebSocket clients bound to several loopback source addresses (127.0.0.1, .2, ...): one
 * address has about 28k source ports towards one server port (net.ipv4.ip_local_port_range), so
 * many sockets are spread over several, round robin.
 */
final class Sockets {

    private final List<WebSocketClient> clients = new ArrayList<>();
    private final List<String> addresses = new ArrayList<>();

    Sockets(Vertx vertx, int sourceAddresses) {
        for (int i = 0; i < sourceAddresses; i++) {
            String address = "127.0.0." + (i + 1);
            addresses.add(address);
            clients.add(vertx.createWebSocketClient(new WebSocketClientOptions()
                    .setLocalAddress(address)
                    .setMaxConnections(1_000_000)
                    .setConnectTimeout(10_000)
                    .setMaxFrameSize(1 << 20)
                    .setMaxMessageSize(1 << 20)));
        }
    }

    List<String> addresses() {
        return addresses;
    }

    /** Opens socket number {@code index} (its source address is chosen by the index) with a bearer token. */
    Future<WebSocket> connect(int index, URI ws, String token) {
        String host = "localhost".equals(ws.getHost()) ? "127.0.0.1" : ws.getHost();
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(host).setPort(ws.getPort())
                .setURI(ws.getRawPath()).setAllowOriginHeader(false).setTimeout(30_000)
                .addHeader("Authorization", "Bearer " + token);
        return clients.get(index % clients.size()).connect(options);
    }

    Future<Void> close() {
        List<Future<Void>> closing = new ArrayList<>();
        clients.forEach(c -> closing.add(c.close()));
        return Future.all(closing).mapEmpty();
    }
}
