package dev.parley.user.profile;

import java.time.Instant;
import java.util.List;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.jwt.Claims;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request and response bodies of /user and /internal/users. */
public final class ProfileDtos {

    static final String OBJECT_ID = "^[0-9a-fA-F]{24}$";
    static final String USERNAME = "^[A-Za-z0-9_.-]{3,32}$";
    static final String STATUS = "^(online|offline|away)$";
    /** The characters a username may contain, 1-32 of them: what a search prefix may be. */
    public static final String SEARCH_PREFIX = "^[A-Za-z0-9_.-]{1,32}$";

    private ProfileDtos() {
    }

    @Schema(name = "Profile", description = "A user's own profile")
    public record ProfileView(
            @Schema(required = true, example = "665f1c2ab3e4d5f6a7b8c9d0") String id,
            @Schema(required = true, example = "alice") String username,
            @Schema(required = true, example = "alice@example.com") String email,
            @Schema(required = true, nullable = true, example = "https://cdn.example.com/alice.png") String profilePic,
            @Schema(required = true, enumeration = { "online", "offline", "away" }) String status,
            @Schema(required = true, nullable = true, implementation = String.class, format = "date-time",
                    example = "2024-06-01T12:00:00Z", description = "When the user last set a status") Instant lastSeen) {

        static ProfileView of(UserProfile p) {
            return new ProfileView(p.userId(), p.username, p.email, p.profilePic, p.status, p.lastSeen);
        }
    }

    @Schema(name = "PublicProfile", description = "What any signed-in user may see of another")
    public record PublicProfileView(
            @Schema(required = true, example = "665f1c2ab3e4d5f6a7b8c9d0") String id,
            @Schema(required = true, example = "alice") String username,
            @Schema(required = true, nullable = true, example = "https://cdn.example.com/alice.png") String profilePic,
            @Schema(required = true, enumeration = { "online", "offline", "away" }) String status,
            @Schema(required = true, nullable = true, implementation = String.class, format = "date-time",
                    example = "2024-06-01T12:00:00Z", description = "When the user last set a status") Instant lastSeen) {

        static PublicProfileView of(UserProfile p) {
            return new PublicProfileView(p.userId(), p.username, p.profilePic, p.status, p.lastSeen);
        }
    }

    @Schema(name = "UserList")
    public record UserList(@Schema(required = true) List<PublicProfileView> users) {
    }

    @Schema(name = "StatusUpdate")
    public record StatusUpdate(
            @Schema(required = true, enumeration = { "online", "offline", "away" })
            @NotNull @Pattern(regexp = STATUS, message = "must be one of: online, offline, away")
            String status) {
    }

    @Schema(name = "ProfileUpdate", description = "The editable part of the caller's profile; a null or absent"
            + " profilePic removes the picture.")
    public record ProfileUpdate(
            @Schema(nullable = true, maxLength = 2048, example = "https://cdn.example.com/alice.png",
                    description = "Absolute https URL with a host")
            @Size(max = 2048) @HttpsUrl
            String profilePic) {
    }

    /** Who a profile is created for: sent by auth-service, or read from the caller's own token. */
    @Schema(name = "PresenceReport", description = "chat-service's word on a user's presence")
    public record PresenceReport(
            @Schema(required = true, enumeration = { "online", "offline", "away" })
            @NotNull @Pattern(regexp = "^(online|offline|away)$", message = "must be online, offline or away") String status,
            @Schema(required = true, description = "When the change happened") @NotNull Instant lastSeen) {
    }

    @Schema(name = "ProfileSeed", description = "A new user as auth-service registered it")
    public record ProfileSeed(
            @Schema(required = true, example = "665f1c2ab3e4d5f6a7b8c9d0", description = "The user id (ObjectId hex)")
            @NotNull @Pattern(regexp = OBJECT_ID, message = "must be a 24-digit hex ObjectId")
            String id,
            @Schema(required = true, example = "alice")
            @NotNull @Pattern(regexp = USERNAME, message = "must be 3-32 of A-Z a-z 0-9 _ . -")
            String username,
            @Schema(required = true, example = "alice@example.com", maxLength = 254)
            @NotBlank @Email @Size(max = 254)
            String email) {

        /** The caller as its token describes it: sub, upn and the email claim. */
        public static ProfileSeed of(JsonWebToken token) {
            return new ProfileSeed(token.getSubject(), stringClaim(token, Claims.upn), stringClaim(token, Claims.email));
        }

        private static String stringClaim(JsonWebToken token, Claims claim) {
            return token.getClaim(claim.name()) instanceof String value ? value : null;
        }
    }
}
