package dev.parley.auth.token;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;
import org.bson.conversions.Bson;
import org.jboss.logging.Logger;

import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;

import dev.parley.auth.AuthConfig;

/**
 * Opaque refresh tokens: 256 random bits, base64url, stored only as a hash. Rotation is a single
 * atomic "mark used if still unused" so two concurrent refreshes with one token cannot both win;
 * presenting an already-used token means it leaked, and its whole family is revoked.
 *
 * <p>The data access of both {@code refresh_tokens} and {@code refresh_families}. A revocation is
 * first recorded on the family ({@link RefreshFamily}, one single-document write), then copied
 * onto the tokens ({@code updateMany}); a rotation first stores the successor, then reads the
 * family, and withholds (and revokes) the successor when the family is revoked. So a revocation
 * racing a rotation either is seen by the rotation's read, or comes after it, in which case the
 * successor was stored before the revocation's {@code updateMany} began and is revoked by it.
 * There are no transactions: the order of those writes and reads is the whole protocol.
 */
@ApplicationScoped
public class RefreshTokenStore {

    private static final Logger LOG = Logger.getLogger(RefreshTokenStore.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);

    /** A newly issued token: the value goes to the client once and is never stored. */
    public record Issued(String value, RefreshToken record) {
    }

    /** The outcome of presenting a token: its record when it was valid and is now used up. */
    public sealed interface Redemption {
        record Redeemed(RefreshToken token) implements Redemption {
        }

        record Reused(String userId) implements Redemption {
        }

        record Invalid() implements Redemption {
        }
    }

    private final AuthConfig config;

    public RefreshTokenStore(AuthConfig config) {
        this.config = config;
    }

    /** Starts a new login session (a new family). A family has no record until it is revoked. */
    public Issued startSession(String userId) {
        Instant now = Instant.now();
        return issue(userId, UUID.randomUUID().toString(), now, now.plus(config.refreshTokenTtl()));
    }

    /**
     * The successor of a redeemed token: same family, same absolute expiry. Empty when the family
     * was revoked meanwhile (a concurrent reuse, logout or logout-all): the successor is then
     * revoked and must not be handed out, nor anything else for this refresh.
     */
    public Optional<Issued> successor(RefreshToken redeemed) {
        Issued next = issue(redeemed.userId, redeemed.familyId, Instant.now(), redeemed.expiresAt);
        // only after the insert: a revocation whose family write this read misses has not started
        // its updateMany yet, and that updateMany will revoke the successor just stored
        if (familyRevoked(redeemed.familyId)) {
            RefreshToken.mongoCollection().updateOne(and(eq("_id", next.record().id), eq("revokedAt", null)),
                    Updates.set("revokedAt", Instant.now()));
            LOG.infof("Session of user %s was revoked during a refresh: successor withheld", redeemed.userId);
            return Optional.empty();
        }
        return Optional.of(next);
    }

    public Redemption redeem(String value) {
        String hash = hash(value);
        Instant now = Instant.now();
        RefreshToken token = RefreshToken.<RefreshToken>mongoCollection().findOneAndUpdate(
                and(eq("_id", hash), eq("usedAt", null), eq("revokedAt", null), gt("expiresAt", now)),
                Updates.set("usedAt", now),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
        if (token != null) {
            // the family record is the truth: a revocation may not have reached this token yet
            return familyRevoked(token.familyId) ? new Redemption.Invalid() : new Redemption.Redeemed(token);
        }
        RefreshToken known = RefreshToken.findById(hash);
        if (known != null && known.usedAt != null) {
            long revoked = revokeFamily(known, now);
            LOG.warnf("Refresh token reuse for user %s: revoked %d token(s) of its session", known.userId, revoked);
            return new Redemption.Reused(known.userId);
        }
        return new Redemption.Invalid();
    }

    /** Revokes the session the token belongs to; unknown tokens are ignored. */
    public Optional<String> revokeSessionOf(String value) {
        RefreshToken known = RefreshToken.findById(hash(value));
        if (known == null) {
            return Optional.empty();
        }
        revokeFamily(known, Instant.now());
        return Optional.of(known.userId);
    }

    /**
     * Revokes every session of a user: records every family that still has an unexpired token,
     * then revokes the tokens. A session started while this runs may survive it, as a login just
     * after it would.
     */
    public long revokeAllOf(String userId) {
        Instant now = Instant.now();
        List<WriteModel<RefreshFamily>> families = new ArrayList<>();
        RefreshToken.mongoCollection()
                .aggregate(List.of(
                        Aggregates.match(and(eq("userId", userId), gt("expiresAt", now))),
                        Aggregates.group("$familyId", Accumulators.max("expiresAt", "$expiresAt"))), Document.class)
                .forEach(family -> families.add(new UpdateOneModel<>(eq("_id", family.getString("_id")),
                        revocation(userId, family.getDate("expiresAt").toInstant(), now), UPSERT)));
        if (!families.isEmpty()) {
            RefreshFamily.<RefreshFamily>mongoCollection().bulkWrite(families);
        }
        return RefreshToken.mongoCollection()
                .updateMany(and(eq("userId", userId), eq("revokedAt", null)), Updates.set("revokedAt", now))
                .getModifiedCount();
    }

    private long revokeFamily(RefreshToken member, Instant now) {
        RefreshFamily.mongoCollection().updateOne(eq("_id", member.familyId),
                revocation(member.userId, member.expiresAt, now), UPSERT);
        return RefreshToken.mongoCollection()
                .updateMany(and(eq("familyId", member.familyId), eq("revokedAt", null)), Updates.set("revokedAt", now))
                .getModifiedCount();
    }

    /**
     * The upsert of a family's record, keeping its first revocation time. On MongoDB 4.2 and later
     * two concurrent upserts of one {@code _id} both succeed: the server retries the one that loses.
     */
    private static Bson revocation(String userId, Instant expiresAt, Instant now) {
        return Updates.combine(Updates.min("revokedAt", now), Updates.setOnInsert("userId", userId),
                Updates.setOnInsert("expiresAt", expiresAt));
    }

    private static boolean familyRevoked(String familyId) {
        RefreshFamily family = RefreshFamily.findById(familyId);
        return family != null && family.revokedAt != null;
    }

    private Issued issue(String userId, String familyId, Instant now, Instant expiresAt) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        RefreshToken token = new RefreshToken();
        token.id = hash(value);
        token.userId = userId;
        token.familyId = familyId;
        token.createdAt = now;
        token.expiresAt = expiresAt;
        token.persist();
        return new Issued(value, token);
    }

    static String hash(String value) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
