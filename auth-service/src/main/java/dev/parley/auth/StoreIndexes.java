package dev.parley.auth;

import java.util.concurrent.TimeUnit;

import jakarta.enterprise.event.Observes;

import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;

import io.quarkus.runtime.StartupEvent;

import dev.parley.auth.account.Credential;
import dev.parley.auth.account.SignInAttempts;
import dev.parley.auth.token.RefreshFamily;
import dev.parley.auth.token.RefreshToken;

/** Creates auth-service's indexes at start-up; creating an existing index is a no-op. */
public class StoreIndexes {

    void create(@Observes StartupEvent event) {
        var credentials = Credential.mongoCollection();
        credentials.createIndex(Indexes.ascending("usernameKey"), new IndexOptions().name("username_unique").unique(true));
        credentials.createIndex(Indexes.ascending("email"), new IndexOptions().name("email_unique").unique(true));

        var tokens = RefreshToken.mongoCollection();
        tokens.createIndex(Indexes.ascending("familyId"), new IndexOptions().name("family"));
        tokens.createIndex(Indexes.ascending("userId"), new IndexOptions().name("user"));
        // MongoDB deletes expired sessions by itself; the embedded store ignores TTL, which only costs space
        tokens.createIndex(Indexes.ascending("expiresAt"), new IndexOptions().name("expiry_ttl").expireAfter(0L, TimeUnit.SECONDS));

        // a revoked session's record is looked up by _id (its familyId); once the session has
        // expired its tokens are refused anyway, so MongoDB may delete the record then
        RefreshFamily.mongoCollection().createIndex(Indexes.ascending("expiresAt"),
                new IndexOptions().name("expiry_ttl").expireAfter(0L, TimeUnit.SECONDS));

        // an account's attempts are looked up by _id; a quiet window ends them (SignInThrottle)
        SignInAttempts.mongoCollection().createIndex(Indexes.ascending("expiresAt"),
                new IndexOptions().name("expiry_ttl").expireAfter(0L, TimeUnit.SECONDS));
    }
}
