package dev.parley.auth.account;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.parley.auth.account.AuthDtos.AuthResponse;
import dev.parley.auth.account.AuthDtos.LoginRequest;
import dev.parley.auth.account.AuthDtos.RefreshRequest;
import dev.parley.auth.account.AuthDtos.RegisterRequest;

/** Sign-up, sign-in and sessions. Everything here is public except logout-all. */
@Path("/auth")
@Tag(name = "auth")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT")
public class AuthResource {

    private final AccountService accounts;
    private final JsonWebToken caller;

    public AuthResource(AccountService accounts, JsonWebToken caller) {
        this.accounts = accounts;
        this.caller = caller;
    }

    @POST
    @Path("/register")
    @PermitAll
    @Operation(summary = "Create an account", description = "Anyone may call. Returns tokens for the new account.")
    @APIResponse(responseCode = "201", description = "Registered",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AuthResponse.class)))
    @APIResponse(responseCode = "400", description = "Invalid field (validation_failed, malformed_body)")
    @APIResponse(responseCode = "409", description = "username_taken or email_taken")
    public Response register(@NotNull @Valid RegisterRequest body) {
        return Response.status(Response.Status.CREATED).entity(accounts.register(body)).build();
    }

    @POST
    @Path("/login")
    @PermitAll
    @Operation(summary = "Sign in with username or email", description = "Anyone may call. Unknown user and wrong"
            + " password give the same 401 (invalid_credentials) after the same work. Per account (and per unknown"
            + " name alike), the first 5 attempts of a 15-minute window are checked at once; after that one"
            + " attempt per delay is checked (1 s, doubling up to 30 s) and the others get 429 too_many_attempts"
            + " with Retry-After, before any password work. A successful sign-in clears the count.")
    @APIResponse(responseCode = "200", description = "Signed in",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AuthResponse.class)))
    @APIResponse(responseCode = "400", description = "Invalid field")
    @APIResponse(responseCode = "401", description = "invalid_credentials")
    @APIResponse(responseCode = "429", description = "too_many_attempts: wait Retry-After seconds",
            headers = @Header(name = "Retry-After", description = "Seconds until an attempt is checked again",
                    schema = @Schema(type = SchemaType.INTEGER)))
    public AuthResponse login(@NotNull @Valid LoginRequest body) {
        return accounts.login(body);
    }

    @POST
    @Path("/refresh")
    @PermitAll
    @Operation(summary = "Rotate tokens", description = "Anyone holding a refresh token may call. Returns a new access"
            + " and refresh token; the presented one stops working. Presenting a used one revokes its whole session.")
    @APIResponse(responseCode = "200", description = "New tokens",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AuthResponse.class)))
    @APIResponse(responseCode = "400", description = "Invalid field")
    @APIResponse(responseCode = "401", description = "invalid_refresh_token")
    public AuthResponse refresh(@NotNull @Valid RefreshRequest body) {
        return accounts.refresh(body.refreshToken());
    }

    @POST
    @Path("/logout")
    @PermitAll
    @Operation(summary = "End one session", description = "Anyone holding a refresh token may call. Revokes that"
            + " token's session; an unknown token is accepted too (nothing to revoke). Access tokens already issued"
            + " stay valid until they expire.")
    @APIResponse(responseCode = "204", description = "Session revoked")
    @APIResponse(responseCode = "400", description = "Invalid field")
    public void logout(@NotNull @Valid RefreshRequest body) {
        accounts.logout(body.refreshToken());
    }

    @POST
    @Path("/logout-all")
    @RolesAllowed("user")
    @Consumes(MediaType.WILDCARD)
    @SecurityRequirement(name = "bearer")
    @Operation(summary = "End every session of the caller", description = "Only the signed-in user (bearer token,"
            + " role user).")
    @APIResponse(responseCode = "204", description = "All sessions revoked")
    @APIResponse(responseCode = "401", description = "No or invalid access token")
    @APIResponse(responseCode = "403", description = "Not a user token")
    public void logoutAll() {
        accounts.logoutAll(caller.getSubject());
    }
}
