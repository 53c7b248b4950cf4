package dev.parley.auth.token;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;

import dev.parley.auth.AuthConfig;

/**
 * Opaque refresh tokens: 256 random bits, base64url, stored only as a hash. Rotation is a single
 * atomic "mark used if still unused" so two concurrent refreshes with one token cannot both win;
 * presenting an already-used token means it leaked, and its whole family is revoked.
 */
@ApplicationScoped
public class RefreshTokenStore {

    private static final Logger LOG = Logger.getLogger(RefreshTokenStore.class);
    private static final SecureRandom RANDOM = new SecureRandom();

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

    /** Starts a new login session (a new family). */
    public Issued startSession(String userId) {
        Instant now = Instant.now();
        return issue(userId, UUID.randomUUID().toString(), now, now.plus(config.refreshTokenTtl()));
    }

    /** The successor of a redeemed token: same family, same absolute expiry. */
    public Issued successor(RefreshToken redeemed) {
        return issue(redeemed.userId, redeemed.familyId, Instant.now(), redeemed.expiresAt);
    }

    public Redemption redeem(String value) {
        String hash = hash(value);
        Instant now = Instant.now();
        RefreshToken token = RefreshToken.<RefreshToken>mongoCollection().findOneAndUpdate(
                and(eq("_id", hash), eq("usedAt", null), eq("revokedAt", null), gt("expiresAt", now)),
                Updates.set("usedAt", now),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
        if (token != null) {
            return new Redemption.Redeemed(token);
        }
        RefreshToken known = RefreshToken.findById(hash);
        if (known != null && known.usedAt != null) {
            long revoked = revokeFamily(known.familyId, now);
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
        revokeFamily(known.familyId, Instant.now());
        return Optional.of(known.userId);
    }

    /** Revokes every session of a user. */
    public long revokeAllOf(String userId) {
        return RefreshToken.mongoCollection()
                .updateMany(and(eq("userId", userId), eq("revokedAt", null)), Updates.set("revokedAt", Instant.now()))
                .getModifiedCount();
    }

    private long revokeFamily(String familyId, Instant now) {
        return RefreshToken.mongoCollection()
                .updateMany(and(eq("familyId", familyId), eq("revokedAt", null)), Updates.set("revokedAt", now))
                .getModifiedCount();
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
