package dev.parley.user.profile;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.parley.user.profile.ProfileDtos.ProfileSeed;
import dev.parley.user.profile.ProfileDtos.ProfileUpdate;
import dev.parley.user.profile.ProfileDtos.ProfileView;
import dev.parley.user.profile.ProfileDtos.PublicProfileView;
import dev.parley.user.profile.ProfileDtos.StatusUpdate;
import dev.parley.user.profile.ProfileDtos.UserList;

/** Profiles as signed-in users see them: their own in full, everyone else's public part. */
@Path("/user")
@Tag(name = "users")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT")
@RolesAllowed("user")
@SecurityRequirement(name = "bearer")
@APIResponse(responseCode = "401", description = "No or invalid access token")
@APIResponse(responseCode = "403", description = "Not a user token")
public class UserResource {

    /** The caller's own profile is created from the token when missing; these say how that can fail. */
    private static final String NO_PROFILE = "user_not_found: no profile, and the token cannot create one";
    private static final String PROFILE_COLLIDED = "username_taken or email_taken: creating the missing profile"
            + " collided with another user's";

    private final ProfileService profiles;
    private final JsonWebToken caller;

    public UserResource(ProfileService profiles, JsonWebToken caller) {
        this.profiles = profiles;
        this.caller = caller;
    }

    @GET
    @Path("/me")
    @Operation(summary = "The caller's profile", description = "Only the signed-in user (bearer token, role user), for"
            + " themselves. A missing profile is created from the token (sub, upn, email).")
    @APIResponse(responseCode = "200", description = "The caller's profile",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ProfileView.class)))
    @APIResponse(responseCode = "404", description = NO_PROFILE)
    @APIResponse(responseCode = "409", description = PROFILE_COLLIDED)
    public ProfileView me() {
        return profiles.me(ProfileSeed.of(caller));
    }

    @PUT
    @Path("/me")
    @Operation(summary = "Change the caller's profile picture", description = "Only the signed-in user (bearer token,"
            + " role user), for themselves. profilePic null removes the picture.")
    @APIResponse(responseCode = "200", description = "The updated profile",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ProfileView.class)))
    @APIResponse(responseCode = "400", description = "Invalid field (validation_failed, malformed_body)")
    @APIResponse(responseCode = "404", description = NO_PROFILE)
    @APIResponse(responseCode = "409", description = PROFILE_COLLIDED)
    public ProfileView updateMe(@NotNull @Valid ProfileUpdate body) {
        return profiles.updateProfilePic(ProfileSeed.of(caller), body.profilePic());
    }

    @PUT
    @Path("/status")
    @Operation(summary = "Set the caller's status", description = "Only the signed-in user (bearer token, role user),"
            + " for themselves. Also sets lastSeen to now.")
    @APIResponse(responseCode = "200", description = "The updated profile",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ProfileView.class)))
    @APIResponse(responseCode = "400", description = "Invalid field (validation_failed, malformed_body)")
    @APIResponse(responseCode = "404", description = NO_PROFILE)
    @APIResponse(responseCode = "409", description = PROFILE_COLLIDED)
    public ProfileView updateStatus(@NotNull @Valid StatusUpdate body) {
        return profiles.updateStatus(ProfileSeed.of(caller), body.status());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Another user's public profile", description = "Any signed-in user (bearer token, role user)."
            + " Never includes the email.")
    @APIResponse(responseCode = "200", description = "The public profile",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PublicProfileView.class)))
    @APIResponse(responseCode = "404", description = "user_not_found (also for an id that is not an ObjectId)")
    public PublicProfileView byId(@Parameter(description = "User id (ObjectId hex)", example = "665f1c2ab3e4d5f6a7b8c9d0")
            @PathParam("id") String id) {
        return profiles.publicProfile(id);
    }

    @GET
    @Operation(summary = "Find users by username prefix", description = "Any signed-in user (bearer token, role user)."
            + " Case-insensitive prefix match, in username order; public profiles only.")
    @APIResponse(responseCode = "200", description = "Matching users, at most limit",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UserList.class)))
    @APIResponse(responseCode = "400",
            description = "validation_failed: search missing or not 1-32 of A-Z a-z 0-9 _ . -, or limit not 1-50")
    public UserList search(
            @Parameter(description = "Username prefix: 1-32 of A-Z a-z 0-9 _ . -", example = "ali")
            @QueryParam("search") @NotNull @Pattern(regexp = ProfileDtos.SEARCH_PREFIX,
                    message = "must be 1-32 of A-Z a-z 0-9 _ . -") String search,
            @Parameter(description = "Most users to return, 1-50")
            @QueryParam("limit") @DefaultValue("20") @Min(1) @Max(50) int limit) {
        return new UserList(profiles.search(search, limit));
    }
}
