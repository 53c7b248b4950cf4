package dev.parley.gateway.security;

/**
 * The {@code access_token} query parameter a browser's WebSocket upgrade may carry. It is a
 * credential in a URL, so it is read once, then kept out of logs and out of the forwarded URI.
 */
public final class QueryToken {

    public static final String NAME = "access_token";

    private QueryToken() {
    }

    /** The query without any {@code access_token} parameter; null when nothing else is left. */
    public static String strip(String query) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        StringBuilder kept = new StringBuilder(query.length());
        for (String pair : query.split("&")) {
            if (pair.isEmpty() || pair.equals(NAME) || pair.startsWith(NAME + "=")) {
                continue;
            }
            kept.append(kept.isEmpty() ? "" : "&").append(pair);
        }
        return kept.isEmpty() ? null : kept.toString();
    }
}
