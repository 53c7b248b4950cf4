package dev.parley.chat;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

import com.mongodb.event.CommandFailedEvent;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandSucceededEvent;

/**
 * How much of a request's time the store took, for the {@code Server-Timing} header of reads whose
 * speed depends on the store (history pages). Quarkus registers every {@link CommandListener} with
 * the MongoDB client; the synchronous driver reports each command on the thread that ran it, so a
 * {@link Scope} opened on a request's thread adds up the commands of that request only.
 */
public class StoreTiming implements CommandListener {

    private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

    /** Starts timing the current thread's store commands; close it on the same thread. */
    public static Scope begin() {
        Scope scope = new Scope();
        CURRENT.set(scope);
        return scope;
    }

    @Override
    public void commandSucceeded(CommandSucceededEvent event) {
        add(event.getElapsedTime(TimeUnit.NANOSECONDS));
    }

    @Override
    public void commandFailed(CommandFailedEvent event) {
        add(event.getElapsedTime(TimeUnit.NANOSECONDS));
    }

    private static void add(long nanos) {
        Scope scope = CURRENT.get();
        if (scope != null) {
            scope.storeNanos += nanos;
        }
    }

    /** One request's timing. */
    public static final class Scope implements AutoCloseable {

        private final long started = System.nanoTime();
        private long storeNanos;
        private long totalNanos = -1;

        @Override
        public void close() {
            if (totalNanos < 0) {
                totalNanos = System.nanoTime() - started;
                CURRENT.remove();
            }
        }

        /** {@code store;dur=..., app;dur=...} in milliseconds (the W3C Server Timing header); ends the scope. */
        public String serverTiming() {
            close();
            return String.format(Locale.ROOT, "store;dur=%.3f, app;dur=%.3f", storeNanos / 1e6,
                    Math.max(0, totalNanos - storeNanos) / 1e6);
        }
    }
}
