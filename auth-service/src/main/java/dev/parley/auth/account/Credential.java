package dev.parley.auth.account;

import java.time.Instant;
import java.util.Locale;

import org.bson.types.ObjectId;

import io.quarkus.mongodb.panache.PanacheMongoEntity;
import io.quarkus.mongodb.panache.common.MongoEntity;

/**
 * A way to sign in as a user. Today that is a password; external identities (OIDC) will be added
 * beside it, which is why the password hash may be absent for some users later.
 */
@MongoEntity(collection = "credentials")
public class Credential extends PanacheMongoEntity {

    public String username;
    /** Usernames are unique regardless of case. */
    public String usernameKey;
    /** Stored lower-case. */
    public String email;
    /** bcrypt (modular crypt format) of the pre-hashed password; see {@link PasswordHasher}. */
    public String passwordHash;
    public Instant createdAt;

    public String userId() {
        return id.toHexString();
    }

    public static Credential findByUsername(String username) {
        return find("usernameKey", username.toLowerCase(Locale.ROOT)).firstResult();
    }

    public static Credential findByEmail(String email) {
        return find("email", email.toLowerCase(Locale.ROOT)).firstResult();
    }

    public static Credential findByUserId(String userId) {
        return ObjectId.isValid(userId) ? findById(new ObjectId(userId)) : null;
    }
}
