package dev.parley.auth.account;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request and response bodies of /auth. */
public final class AuthDtos {

    private AuthDtos() {
    }

    @Schema(name = "RegisterRequest")
    public record RegisterRequest(
            @Schema(required = true, example = "alice", pattern = "^[A-Za-z0-9_.-]{3,32}$")
            @NotNull @Pattern(regexp = "^[A-Za-z0-9_.-]{3,32}$", message = "must be 3-32 of A-Z a-z 0-9 _ . -")
            String username,
            @Schema(required = true, example = "alice@example.com", maxLength = 254)
            @NotBlank @Email @Size(max = 254)
            String email,
            @Schema(required = true, minLength = 8, maxLength = 128)
            @NotNull @Size(min = 8, max = 128)
            String password) {
    }

    @Schema(name = "LoginRequest", description = "Give exactly one of username or email.")
    public record LoginRequest(
            @Schema(example = "alice", maxLength = 254) @Size(max = 254) String username,
            @Schema(example = "alice@example.com", maxLength = 254) @Size(max = 254) String email,
            @Schema(required = true, maxLength = 128) @NotNull @Size(max = 128) String password) {
    }

    @Schema(name = "RefreshRequest")
    public record RefreshRequest(
            @Schema(required = true, maxLength = 128) @NotBlank @Size(max = 128) String refreshToken) {
    }

    @Schema(name = "Account")
    public record AccountView(@Schema(required = true) String id, @Schema(required = true) String username,
            @Schema(required = true) String email) {
    }

    @Schema(name = "AuthResponse")
    public record AuthResponse(
            @Schema(required = true) AccountView user,
            @Schema(required = true, description = "JWT (RS256) for the Authorization header") String accessToken,
            @Schema(required = true, description = "Opaque; single use; rotate with /auth/refresh") String refreshToken,
            @Schema(required = true, example = "Bearer") String tokenType,
            @Schema(required = true, description = "Seconds until the access token expires", example = "900") long expiresIn) {
    }
}
