package dev.parley.auth.account;

import java.time.Instant;
import java.util.Locale;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;

import dev.parley.auth.account.AuthDtos.AccountView;
import dev.parley.auth.account.AuthDtos.AuthResponse;
import dev.parley.auth.account.AuthDtos.LoginRequest;
import dev.parley.auth.account.AuthDtos.RegisterRequest;
import dev.parley.auth.profile.ProfileProvisioner;
import dev.parley.auth.token.AccessTokenIssuer;
import dev.parley.auth.token.RefreshToken;
import dev.parley.auth.token.RefreshTokenStore;
import dev.parley.auth.token.RefreshTokenStore.Redemption;
import dev.parley.support.problem.ProblemException;

/** Registration, login and the session lifecycle. */
@ApplicationScoped
public class AccountService {

    private static final Logger LOG = Logger.getLogger(AccountService.class);

    private final PasswordHasher passwords;
    private final AccessTokenIssuer accessTokens;
    private final RefreshTokenStore refreshTokens;
    private final ProfileProvisioner profiles;
    private final SignInThrottle throttle;
    private final MeterRegistry meters;

    /**
     * Runs between redeeming the presented token and issuing its successor: the window a
     * concurrent revocation of the session can land in. Does nothing; a test
     * ({@code RefreshRaceTest}) puts a revocation there to prove nothing is handed out then.
     */
    volatile Consumer<RefreshToken> afterRedeem = used -> {
    };

    public AccountService(PasswordHasher passwords, AccessTokenIssuer accessTokens, RefreshTokenStore refreshTokens,
            ProfileProvisioner profiles, SignInThrottle throttle, MeterRegistry meters) {
        this.passwords = passwords;
        this.throttle = throttle;
        this.meters = meters;
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
        this.profiles = profiles;
    }

    public AuthResponse register(RegisterRequest request) {
        String email = request.email().toLowerCase(Locale.ROOT);
        rejectTaken(request.username(), email);
        Credential credential = new Credential();
        credential.username = request.username();
        credential.usernameKey = request.username().toLowerCase(Locale.ROOT);
        credential.email = email;
        credential.passwordHash = passwords.hash(request.password());
        credential.createdAt = Instant.now();
        try {
            credential.persist();
        } catch (MongoWriteException e) {
            if (ErrorCategory.fromErrorCode(e.getCode()) == ErrorCategory.DUPLICATE_KEY) {
                // lost a race with a concurrent registration: say which value is taken
                rejectTaken(request.username(), email);
            }
            throw e;
        }
        LOG.infof("Registered user %s", credential.userId());
        profiles.provision(credential.userId(), credential.username, credential.email);
        return startSession(credential);
    }

    public AuthResponse login(LoginRequest request) {
        try {
            AuthResponse signedIn = checkedLogin(request);
            count("parley.auth.sign.ins", "ok");
            return signedIn;
        } catch (ProblemException e) {
            count("parley.auth.sign.ins", switch (e.status()) {
                case 401 -> "invalid";
                case 429 -> "throttled";
                default -> "refused";
            });
            throw e;
        }
    }

    /** Outcomes of sign-ins and refreshes, for dashboards and alerts (a rise of "throttled" is guessing). */
    private void count(String name, String outcome) {
        meters.counter(name, "outcome", outcome).increment();
    }

    private AuthResponse checkedLogin(LoginRequest request) {
        boolean byUsername = request.username() != null && !request.username().isBlank();
        boolean byEmail = request.email() != null && !request.email().isBlank();
        if (byUsername == byEmail) {
            throw ProblemException.badRequest("validation_failed", "Give exactly one of: username, email");
        }
        String name = byUsername ? request.username().trim() : request.email().trim();
        Credential credential = byUsername ? Credential.findByUsername(name) : Credential.findByEmail(name);
        if (credential == null || credential.passwordHash == null) {
            throttle.enter(SignInThrottle.unknownNameKey(byUsername ? "username" : "email", name));
            passwords.verifyDecoy(request.password());
            throw invalidCredentials();
        }
        String key = SignInThrottle.accountKey(credential);
        throttle.enter(key);
        if (!passwords.verify(request.password(), credential.passwordHash)) {
            throw invalidCredentials();
        }
        throttle.succeeded(key);
        if (passwords.needsRehash(credential.passwordHash)) {
            // the configured cost changed since this hash was made: the password is at hand only now
            Credential.mongoCollection().updateOne(Filters.eq("_id", credential.id),
                    Updates.set("passwordHash", passwords.hash(request.password())));
        }
        return startSession(credential);
    }

    public AuthResponse refresh(String refreshToken) {
        Redemption redemption = refreshTokens.redeem(refreshToken);
        if (!(redemption instanceof Redemption.Redeemed redeemed)) {
            count("parley.auth.refreshes", "invalid");
            throw invalidRefreshToken();
        }
        count("parley.auth.refreshes", "ok");
        RefreshToken used = redeemed.token();
        Credential credential = Credential.findByUserId(used.userId);
        if (credential == null) {
            throw ProblemException.unauthorized("invalid_refresh_token", "The account no longer exists");
        }
        afterRedeem.accept(used);
        // no access token either when the session was revoked while this refresh ran
        RefreshTokenStore.Issued next = refreshTokens.successor(used).orElseThrow(AccountService::invalidRefreshToken);
        return response(credential, next.value());
    }

    public void logout(String refreshToken) {
        refreshTokens.revokeSessionOf(refreshToken)
                .ifPresent(userId -> LOG.infof("User %s logged out of one session", userId));
    }

    public void logoutAll(String userId) {
        long revoked = refreshTokens.revokeAllOf(userId);
        LOG.infof("User %s logged out everywhere (%d token(s) revoked)", userId, revoked);
    }

    private AuthResponse startSession(Credential credential) {
        return response(credential, refreshTokens.startSession(credential.userId()).value());
    }

    private AuthResponse response(Credential credential, String refreshToken) {
        String access = accessTokens.forUser(credential.userId(), credential.username, credential.email);
        return new AuthResponse(new AccountView(credential.userId(), credential.username, credential.email),
                access, refreshToken, "Bearer", accessTokens.expiresInSeconds());
    }

    private static void rejectTaken(String username, String email) {
        if (Credential.findByUsername(username) != null) {
            throw ProblemException.conflict("username_taken", "That username is taken");
        }
        if (Credential.findByEmail(email) != null) {
            throw ProblemException.conflict("email_taken", "That email is already registered");
        }
    }

    private static ProblemException invalidRefreshToken() {
        return ProblemException.unauthorized("invalid_refresh_token",
                "The refresh token is unknown, expired, revoked or already used");
    }

    private static ProblemException invalidCredentials() {
        return ProblemException.unauthorized("invalid_credentials", "Wrong username, email or password");
    }
}
