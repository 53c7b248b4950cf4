package dev.parley.auth.token;

import java.time.Instant;

import org.bson.codecs.pojo.annotations.BsonId;

import io.quarkus.mongodb.panache.common.MongoEntity;
import io.quarkus.mongodb.panache.PanacheMongoEntityBase;

/**
 * One refresh token, stored only as the SHA-256 of its value. Tokens of one login share a
 * {@code familyId}; using a token marks it used and issues its successor in the same family.
 */
@MongoEntity(collection = "refresh_tokens")
public class RefreshToken extends PanacheMongoEntityBase {

    /** Hex SHA-256 of the opaque token. */
    @BsonId
    public String id;
    public String userId;
    public String familyId;
    public Instant createdAt;
    /** Absolute end of the login session; successors inherit it. */
    public Instant expiresAt;
    public Instant usedAt;
    public Instant revokedAt;
}
