package dev.parley.user.profile;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.lte;
import static com.mongodb.client.model.Filters.or;
import static com.mongodb.client.model.Filters.regex;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.validation.Validator;

import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.jboss.logging.Logger;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;

import dev.parley.support.problem.ProblemException;
import dev.parley.user.presence.StatusChanged;
import dev.parley.user.profile.ProfileDtos.ProfileSeed;
import dev.parley.user.profile.ProfileDtos.ProfileView;
import dev.parley.user.profile.ProfileDtos.PublicProfileView;

/**
 * Profiles: created by auth-service at registration, or from the caller's token on first use when
 * that call did not get through. Creation is insert-first, so concurrent first requests of one
 * user agree on one document.
 */
@ApplicationScoped
public class ProfileService {

    private static final Logger LOG = Logger.getLogger(ProfileService.class);

    /** The outcome of a create-or-return: {@code created} is false when the id already had a profile. */
    public record Provisioned(ProfileView profile, boolean created) {
    }

    private final Validator validator;
    private final Event<StatusChanged> statusChanges;

    public ProfileService(Validator validator, Event<StatusChanged> statusChanges) {
        this.validator = validator;
        this.statusChanges = statusChanges;
    }

    /** The caller's profile, created from its token if it does not exist yet. */
    public ProfileView me(ProfileSeed caller) {
        UserProfile profile = UserProfile.findByUserId(caller.id());
        return ProfileView.of(profile != null ? profile : createFromToken(caller));
    }

    public ProfileView updateStatus(ProfileSeed caller, String status) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS); // what the store keeps
        UserProfile updated = update(caller, Updates.combine(Updates.set("status", status), Updates.set("lastSeen", now)));
        statusChanges.fire(new StatusChanged(updated.userId(), updated.status, updated.lastSeen));
        return ProfileView.of(updated);
    }

    /** Presence as chat-service saw it; applied only if not older than what is stored. No event: it came from chat. */
    public void recordPresence(String userId, String status, Instant lastSeen) {
        if (!ObjectId.isValid(userId) || UserProfile.findByUserId(userId) == null) {
            throw ProblemException.notFound("user_not_found", "No user has that id");
        }
        Instant at = lastSeen.truncatedTo(ChronoUnit.MILLIS);
        UserProfile.mongoCollection().updateOne(
                and(eq("_id", new ObjectId(userId)), or(eq("lastSeen", null), lte("lastSeen", at))),
                Updates.combine(Updates.set("status", status), Updates.set("lastSeen", at)));
    }

    public ProfileView updateProfilePic(ProfileSeed caller, String profilePic) {
        return ProfileView.of(update(caller, Updates.set("profilePic", profilePic)));
    }

    public PublicProfileView publicProfile(String userId) {
        UserProfile profile = UserProfile.findByUserId(userId);
        if (profile == null) {
            throw ProblemException.notFound("user_not_found", "No user has that id");
        }
        return PublicProfileView.of(profile);
    }

    /** Users whose username starts with {@code prefix}, ignoring case, in username order. */
    public List<PublicProfileView> search(String prefix, int limit) {
        // anchored and quoted: "a.b" finds "a.b…" only, and a real MongoDB walks the usernameKey index
        Bson startsWith = regex("usernameKey", "^" + Pattern.quote(prefix.toLowerCase(Locale.ROOT)));
        return UserProfile.<UserProfile>mongoCollection().find(startsWith).sort(Sorts.ascending("usernameKey"))
                .limit(limit).map(PublicProfileView::of).into(new ArrayList<>());
    }

    /** Creates the profile, or returns the one that id already has (whatever its other fields). */
    public Provisioned provision(ProfileSeed seed) {
        Stored stored = store(seed);
        return new Provisioned(ProfileView.of(stored.profile()), stored.created());
    }

    private record Stored(UserProfile profile, boolean created) {
    }

    private Stored store(ProfileSeed seed) {
        UserProfile existing = UserProfile.findByUserId(seed.id());
        if (existing != null) {
            return new Stored(existing, false);
        }
        UserProfile profile = new UserProfile();
        profile.id = new ObjectId(seed.id());
        profile.username = seed.username();
        profile.usernameKey = seed.username().toLowerCase(Locale.ROOT);
        profile.email = seed.email().toLowerCase(Locale.ROOT);
        profile.createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try {
            profile.persist();
        } catch (MongoWriteException e) {
            if (ErrorCategory.fromErrorCode(e.getCode()) != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
            UserProfile winner = UserProfile.findById(profile.id);
            if (winner != null) {
                return new Stored(winner, false); // a concurrent create of the same user got there first
            }
            if (UserProfile.find("usernameKey", profile.usernameKey).firstResult() != null) {
                throw ProblemException.conflict("username_taken", "Another user has that username");
            }
            throw ProblemException.conflict("email_taken", "Another user has that email");
        }
        LOG.infof("Created profile of user %s", profile.userId());
        return new Stored(profile, true);
    }

    /** Applies {@code changes} to the caller's profile, creating it first if needed; returns the result. */
    private UserProfile update(ProfileSeed caller, Bson changes) {
        UserProfile updated = applyTo(caller.id(), changes);
        if (updated == null) {
            createFromToken(caller);
            updated = applyTo(caller.id(), changes);
        }
        if (updated == null) {
            throw ProblemException.notFound("user_not_found", "The profile no longer exists");
        }
        return updated;
    }

    private static UserProfile applyTo(String userId, Bson changes) {
        if (!ObjectId.isValid(userId)) {
            return null;
        }
        return UserProfile.<UserProfile>mongoCollection().findOneAndUpdate(eq("_id", new ObjectId(userId)), changes,
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
    }

    private UserProfile createFromToken(ProfileSeed caller) {
        if (!validator.validate(caller).isEmpty()) {
            // auth-service's user tokens always carry these; a token without them cannot have a profile
            throw ProblemException.notFound("user_not_found",
                    "No profile exists for this user, and the token lacks a valid id, username or email to create one");
        }
        LOG.infof("No profile for user %s yet (provisioning at registration did not happen); creating it from the token",
                caller.id());
        return store(caller).profile();
    }
}
