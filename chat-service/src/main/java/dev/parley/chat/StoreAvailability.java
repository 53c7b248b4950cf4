package dev.parley.chat;

import java.util.concurrent.CompletionException;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.mongodb.MongoConnectionPoolClearedException;
import com.mongodb.MongoException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteConcernException;

import dev.parley.support.problem.ProblemException;

/**
 * Whether the store can be used right now, as far as this replica has seen: a write or a ping that
 * failed because the store was unreachable marks it down for {@code parley.chat.store.probe-interval};
 * meanwhile sends are refused at once with 503 {@code store_unavailable} instead of queueing behind a
 * store that would make each of them wait out the driver's server selection. After the interval the
 * next write (or readiness ping) re-tests it, and one that succeeds marks it up again. A breaker, not
 * a retry: the client retries (same clientMessageId) after {@code Retry-After}.
 */
@ApplicationScoped
public class StoreAvailability {

    private static final Logger LOG = Logger.getLogger(StoreAvailability.class);

    /** The label a server puts on a write error worth retrying (a failover, a shutdown); the driver has no constant for it. */
    private static final String RETRYABLE_WRITE_ERROR = "RetryableWriteError";

    private final long probeIntervalNanos;
    private final long retryAfterSeconds;
    /** System.nanoTime() until which sends are refused; meaningful only while {@link #down}. */
    private volatile long refuseUntil;
    private volatile boolean down;

    public StoreAvailability(ChatConfig config) {
        this.probeIntervalNanos = config.store().probeInterval().toNanos();
        this.retryAfterSeconds = Math.max(1, (config.store().probeInterval().toMillis() + 999) / 1000);
    }

    /**
     * True when the failure means the store is unreachable or has no primary (a timeout choosing a
     * server, a cut connection, a stepping-down primary, an unmet write concern): retryable, and
     * not the request's fault. Looks through {@link CompletionException} wrappers.
     */
    public static boolean isOutage(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MongoTimeoutException || t instanceof MongoSocketException
                    || t instanceof MongoNotPrimaryException || t instanceof MongoNodeIsRecoveringException
                    || t instanceof MongoConnectionPoolClearedException || t instanceof MongoWriteConcernException) {
                return true;
            }
            if (t instanceof MongoException mongo && mongo.hasErrorLabel(RETRYABLE_WRITE_ERROR)) {
                return true;
            }
            if (!(t instanceof CompletionException) && !(t instanceof MongoException)) {
                return false;
            }
        }
        return false;
    }

    /** The answer to a request the store could not serve: 503 with {@code Retry-After}. */
    public ProblemException unavailable() {
        return ProblemException.unavailable("store_unavailable", "The message store is unavailable; retry shortly",
                retryAfterSeconds);
    }

    /** Seconds a refused client should wait before retrying. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** Records that the store just failed to serve a request (an outage, see {@link #isOutage}). */
    public void failed(Throwable cause) {
        refuseUntil = System.nanoTime() + probeIntervalNanos;
        if (!down) {
            down = true;
            LOG.warnf("Store unavailable (%s): refusing sends for %d ms at a time until a write or ping succeeds",
                    cause == null ? "no answer" : cause.getClass().getSimpleName(), probeIntervalNanos / 1_000_000);
        }
    }

    /** Records that the store just answered. */
    public void succeeded() {
        if (down) {
            down = false;
            LOG.info("Store available again");
        }
    }

    /** True while a recent failure says a send now would only fail: refuse it at once. */
    public boolean refusing() {
        return down && System.nanoTime() - refuseUntil < 0;
    }

    /** True from a failure until the next success. */
    public boolean down() {
        return down;
    }

    /** Throws {@link #unavailable()} while {@link #refusing()}. */
    public void checkAccepting() {
        if (refusing()) {
            throw unavailable();
        }
    }
}
