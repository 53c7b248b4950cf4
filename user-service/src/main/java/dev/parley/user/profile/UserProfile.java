package dev.parley.user.profile;

import java.time.Instant;

import org.bson.codecs.pojo.annotations.BsonId;
import org.bson.types.ObjectId;

import io.quarkus.mongodb.panache.PanacheMongoEntityBase;
import io.quarkus.mongodb.panache.common.MongoEntity;

/**
 * A user's public face. The id is the one auth-service assigned (the access token's {@code sub}),
 * so a profile is found from a token without a lookup table.
 */
@MongoEntity(collection = "users")
public class UserProfile extends PanacheMongoEntityBase {

    public static final String OFFLINE = "offline";

    @BsonId
    public ObjectId id;
    public String username;
    /** Lower-case username: unique regardless of case, and what search matches. */
    public String usernameKey;
    /** Stored lower-case. */
    public String email;
    /** An absolute https URL, or null. */
    public String profilePic;
    /** online, offline or away. */
    public String status = OFFLINE;
    /** When the user last changed status; null until the first change. */
    public Instant lastSeen;
    public Instant createdAt;

    public String userId() {
        return id.toHexString();
    }

    public static UserProfile findByUserId(String userId) {
        return ObjectId.isValid(userId) ? findById(new ObjectId(userId)) : null;
    }
}
