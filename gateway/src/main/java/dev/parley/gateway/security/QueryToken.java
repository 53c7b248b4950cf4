package dev.parley.gateway.security;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The {@code access_token} query parameter a browser's WebSocket upgrade may carry. It is a
 * credential in a URL, so it is read once, then kept out of logs and out of the forwarded URI.
 *
 * <p>Reading and redacting parse the query the same way (review M5): parameters separated by
 * {@code &} or {@code ;}, names percent-decoded, so a token the check would accept under
 * {@code ;access_token=} or {@code acc%65ss_token=} is also one the redaction removes.
 */
public final class QueryToken {

    public static final String NAME = "access_token";
    private static final Pattern SEPARATORS = Pattern.compile("[&;]");

    private QueryToken() {
    }

    /** The token, when the query has an {@code access_token} parameter (the first one); else null. */
    public static String find(String query) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        for (String pair : SEPARATORS.split(query)) {
            int eq = pair.indexOf('=');
            if (eq > 0 && isTokenName(pair.substring(0, eq))) {
                return decode(pair.substring(eq + 1));
            }
        }
        return null;
    }

    /** The query without any {@code access_token} parameter (however written); null when nothing else is left. */
    public static String strip(String query) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        StringBuilder kept = new StringBuilder(query.length());
        for (String pair : SEPARATORS.split(query)) {
            int eq = pair.indexOf('=');
            if (pair.isEmpty() || isTokenName(eq < 0 ? pair : pair.substring(0, eq))) {
                continue;
            }
            kept.append(kept.isEmpty() ? "" : "&").append(pair);
        }
        return kept.isEmpty() ? null : kept.toString();
    }

    private static boolean isTokenName(String rawName) {
        return NAME.equalsIgnoreCase(decode(rawName).trim());
    }

    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return raw; // a broken escape: compared as written
        }
    }
}
