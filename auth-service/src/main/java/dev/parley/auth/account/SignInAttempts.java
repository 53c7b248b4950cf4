package dev.parley.auth.account;

import java.time.Instant;

import org.bson.codecs.pojo.annotations.BsonId;

import io.quarkus.mongodb.panache.PanacheMongoEntityBase;
import io.quarkus.mongodb.panache.common.MongoEntity;

/**
 * Recent sign-in attempts on one account (or on one unknown name: those are throttled alike, so a
 * 429 tells nothing about whether an account exists). Read and written only by
 * {@link SignInThrottle}; removed by a successful sign-in, or by MongoDB once {@link #expiresAt}
 * passes (a quiet window).
 */
@MongoEntity(collection = "sign_in_attempts")
public class SignInAttempts extends PanacheMongoEntityBase {

    /** {@code user:<id>} for an account, {@code name:<sha-256 of the name typed>} for an unknown one. */
    @BsonId
    public String id;
    /** Attempts since the window began, this one included, whatever their outcome. */
    public int attempts;
    /** No attempt is checked before this instant. */
    public Instant nextAllowedAt;
    /** The end of the window: one quiet window after the latest attempt. */
    public Instant expiresAt;
}
