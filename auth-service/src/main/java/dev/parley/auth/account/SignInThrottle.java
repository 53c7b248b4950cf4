package dev.parley.auth.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;

import dev.parley.auth.AuthConfig;
import dev.parley.support.problem.ProblemException;

/**
 * Password guessing is limited per account, wherever the guesses come from: the first
 * {@code free-attempts} of a window are checked at once; after that one attempt is checked per
 * delay, which doubles with every attempt up to {@code max-delay}, and the others are refused with
 * 429 {@code too_many_attempts} and {@code Retry-After} before any bcrypt work. A successful
 * sign-in clears the account's record.
 *
 * <p>It is never a lockout: the owner waits at most {@code max-delay} for the next checked
 * attempt, even while someone keeps guessing (the guesser then gets one try per
 * {@code max-delay}, about 2,900 a day at 30 s, against a password of at least 12 characters).
 * The per-address limits are the gateway's; this one is in auth-service because only auth-service
 * knows the account, and in the store because every auth-service replica must count together.
 *
 * <p>Race-free across threads and replicas: every attempt increments the counter first; beyond the
 * free ones, only the attempt that moves {@code nextAllowedAt} forward (a compare-and-set on the
 * value it read) is checked.
 */
@ApplicationScoped
public class SignInThrottle {

    private static final Instant OPEN = Instant.EPOCH;

    private final AuthConfig.SignIn limits;

    public SignInThrottle(AuthConfig config) {
        this.limits = config.signIn();
    }

    static String accountKey(Credential credential) {
        return "user:" + credential.userId();
    }

    /** The key of a name that matches no account; the name itself is not stored. */
    static String unknownNameKey(String kind, String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((kind + ":" + name.toLowerCase(Locale.ROOT)).getBytes(StandardCharsets.UTF_8));
            return "name:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Counts an attempt on {@code key}; throws 429 when this attempt may not be checked now. */
    void enter(String key) {
        Instant now = Instant.now();
        SignInAttempts before = SignInAttempts.<SignInAttempts> mongoCollection().findOneAndUpdate(Filters.eq("_id", key),
                Updates.combine(Updates.inc("attempts", 1), Updates.setOnInsert("nextAllowedAt", OPEN),
                        Updates.set("expiresAt", now.plus(limits.window()))),
                new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.BEFORE));
        if (before == null) {
            return; // the first attempt of a window
        }
        if (before.expiresAt != null && before.expiresAt.isBefore(now)) {
            // a quiet window passed (the embedded store keeps expired records): start again
            SignInAttempts.mongoCollection().updateOne(Filters.eq("_id", key),
                    Updates.combine(Updates.set("attempts", 1), Updates.set("nextAllowedAt", OPEN)));
            return;
        }
        int attempts = before.attempts + 1;
        if (attempts <= limits.freeAttempts()) {
            return;
        }
        Instant allowedAt = before.nextAllowedAt == null ? OPEN : before.nextAllowedAt;
        if (allowedAt.isAfter(now)) {
            throw tooMany(Duration.between(now, allowedAt));
        }
        Duration delay = delayAfter(attempts - limits.freeAttempts());
        boolean mine = SignInAttempts.mongoCollection().updateOne(
                Filters.and(Filters.eq("_id", key), Filters.eq("nextAllowedAt", allowedAt)),
                Updates.set("nextAllowedAt", now.plus(delay))).getModifiedCount() == 1;
        if (!mine) {
            throw tooMany(delay); // a concurrent attempt took this slot
        }
    }

    /** A correct password: the account's count starts again. */
    void succeeded(String key) {
        SignInAttempts.deleteById(key);
    }

    /** The wait after the n-th attempt beyond the free ones: first-delay, doubled each time, capped. */
    Duration delayAfter(int beyondFree) {
        Duration delay = limits.firstDelay();
        for (int i = 1; i < beyondFree && delay.compareTo(limits.maxDelay()) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(limits.maxDelay()) > 0 ? limits.maxDelay() : delay;
    }

    private static ProblemException tooMany(Duration wait) {
        long seconds = (wait.toMillis() + 999) / 1000;
        return ProblemException.tooManyRequests("too_many_attempts",
                "Too many sign-in attempts for this account; try again in " + Math.max(1, seconds) + " s", seconds);
    }
}
