package dev.parley.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import org.awaitility.Awaitility;

/** Waits for a condition with a deadline (Awaitility), instead of a sleep and a hope. */
public final class Await {

    private Await() {
    }

    /** Until {@code condition} holds; fails naming {@code what} when it does not within {@code deadline}. */
    public static void until(String what, Duration deadline, BooleanSupplier condition) {
        Awaitility.await(what).atMost(deadline).pollInterval(Duration.ofMillis(20)).until(condition::getAsBoolean);
    }
}
