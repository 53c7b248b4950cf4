package dev.parley.auth.token;

import java.time.Instant;

import org.bson.codecs.pojo.annotations.BsonId;

import io.quarkus.mongodb.panache.common.MongoEntity;
import io.quarkus.mongodb.panache.PanacheMongoEntityBase;

/**
 * The revocation of one login session (a family of {@link RefreshToken}s), written before its
 * tokens are revoked. Only revoked sessions have one: a family without a record is live. Read and
 * written only by {@link RefreshTokenStore}.
 */
@MongoEntity(collection = "refresh_families")
public class RefreshFamily extends PanacheMongoEntityBase {

    /** The {@code familyId} of its tokens. */
    @BsonId
    public String id;
    public String userId;
    /** The session's absolute expiry (that of its tokens): after it, the record is not needed. */
    public Instant expiresAt;
    /** When the session was first revoked. */
    public Instant revokedAt;
}
