package dev.parley.gateway.edge;

import java.util.UUID;
import java.util.regex.Pattern;

/** The id that ties one request's log lines together, here and in every service it reaches. */
final class RequestIds {

    static final String HEADER = "X-Request-Id";
    static final String MDC_KEY = "requestId";

    /** Long enough to be unique in practice, short and plain enough to be safe in logs and headers. */
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._-]{8,64}");

    private RequestIds() {
    }

    /** The client's id when it is sane, otherwise a fresh one. */
    static String accept(String given) {
        return given != null && SANE.matcher(given).matches() ? given : UUID.randomUUID().toString();
    }
}
