package dev.parley.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import com.microsoft.playwright.Page;

/**
 * Everything that goes wrong in a page: console errors, uncaught exceptions and any dialog (an
 * alert is how injected script would show itself). A test fails on the first of them.
 *
 * <p>One exception, only while a test has stopped a service on purpose: Chromium reports each
 * request the gateway then refuses (503) and each refused WebSocket handshake as a console error
 * of its own. Those are the outage the test caused, not the page misbehaving; anything else is
 * still a failure.
 */
final class BrowserConsole {

    private static final List<Pattern> REFUSED = List.of(
            Pattern.compile("^Failed to load resource: the server responded with a status of 503 \\(Service Unavailable\\)$"),
            Pattern.compile("^WebSocket connection to 'ws://localhost:\\d+/ws\\?access_token=[^']*' failed: .*"));

    private final List<String> problems = new ArrayList<>();
    private volatile boolean refusedRequestsExpected;

    Page watch(Page page, String who) {
        page.onConsoleMessage(message -> {
            if ("error".equals(message.type())) {
                report(who, message.text());
            }
        });
        page.onPageError(error -> report(who, "uncaught: " + error));
        page.onDialog(dialog -> {
            report(who, "a " + dialog.type() + " dialog opened: " + dialog.message());
            dialog.dismiss();
        });
        return page;
    }

    void expectRefusedRequests(boolean expected) {
        refusedRequestsExpected = expected;
    }

    private synchronized void report(String who, String text) {
        if (refusedRequestsExpected && REFUSED.stream().anyMatch(p -> p.matcher(text).matches())) {
            return; // not kept: the WebSocket URL carries an access token
        }
        problems.add(who + ": " + text);
    }

    synchronized void assertClean() {
        if (!problems.isEmpty()) {
            List<String> found = List.copyOf(problems);
            problems.clear();
            throw new AssertionError("the browser reported problems:\n  " + String.join("\n  ", found));
        }
    }
}
