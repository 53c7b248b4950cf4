package dev.parley.gateway.routing;

import java.util.List;

import dev.parley.gateway.GatewayConfig;
import io.quarkus.runtime.configuration.MemorySize;

/** The services behind the gateway, the path prefix each one owns and its route family name. */
public enum Upstream {
    AUTH("auth-service", "/auth", "auth"),
    USER("user-service", "/user", "user"),
    CHAT("chat-service", "/chat", "chat");

    final String service;
    final String prefix;
    final String route;

    Upstream(String service, String prefix, String route) {
        this.service = service;
        this.prefix = prefix;
        this.route = route;
    }

    public String service() {
        return service;
    }

    MemorySize maxBodySize(GatewayConfig.BodyLimits limits) {
        return switch (this) {
            case AUTH -> limits.auth();
            case USER -> limits.user();
            case CHAT -> limits.chat();
        };
    }

    List<String> configured(GatewayConfig.Upstreams config) {
        return switch (this) {
            case AUTH -> config.auth();
            case USER -> config.user();
            case CHAT -> config.chat();
        };
    }
}
