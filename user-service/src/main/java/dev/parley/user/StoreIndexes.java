package dev.parley.user;

import jakarta.enterprise.event.Observes;

import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;

import io.quarkus.runtime.StartupEvent;

import dev.parley.user.profile.UserProfile;

/** Creates user-service's indexes at start-up; creating an existing index is a no-op. */
public class StoreIndexes {

    void create(@Observes StartupEvent event) {
        var users = UserProfile.mongoCollection();
        // usernameKey also serves the anchored prefix search of GET /user?search=
        users.createIndex(Indexes.ascending("usernameKey"), new IndexOptions().name("username_unique").unique(true));
        users.createIndex(Indexes.ascending("email"), new IndexOptions().name("email_unique").unique(true));
    }
}
