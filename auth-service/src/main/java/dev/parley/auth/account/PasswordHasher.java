package dev.parley.auth.account;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

import jakarta.enterprise.context.ApplicationScoped;

import org.wildfly.security.password.PasswordFactory;
import org.wildfly.security.password.WildFlyElytronPasswordProvider;
import org.wildfly.security.password.interfaces.BCryptPassword;
import org.wildfly.security.password.util.ModularCrypt;

import io.quarkus.elytron.security.common.BcryptUtil;

import dev.parley.auth.AuthConfig;

/**
 * bcrypt with a pre-hash. bcrypt reads at most 72 bytes, so a long passphrase would be silently
 * truncated; we feed it base64(SHA-256(password)) instead (44 ASCII bytes, no NUL), which keeps
 * all of a password up to our 128-character limit significant.
 */
@ApplicationScoped
public class PasswordHasher {

    private static final WildFlyElytronPasswordProvider PROVIDER = new WildFlyElytronPasswordProvider();

    private final int cost;
    /** Verified against when the user does not exist, so both failures cost one bcrypt. */
    private final String decoy;

    public PasswordHasher(AuthConfig config) {
        this.cost = config.bcryptCost();
        this.decoy = hash("decoy password that matches nobody");
    }

    public String hash(String password) {
        return hash(password, cost);
    }

    String hash(String password, int withCost) {
        return BcryptUtil.bcryptHash(preHash(password), withCost);
    }

    /**
     * True when a stored hash was made with another cost than the configured one (modular crypt:
     * {@code $2a$NN$...}): raising the cost then reaches every account as its owner signs in.
     */
    public boolean needsRehash(String storedHash) {
        String[] parts = storedHash.split("\\$");
        return parts.length < 3 || !parts[2].equals(String.format("%02d", cost));
    }

    public boolean verify(String password, String storedHash) {
        try {
            PasswordFactory factory = PasswordFactory.getInstance(BCryptPassword.ALGORITHM_BCRYPT, PROVIDER);
            BCryptPassword stored = (BCryptPassword) factory.translate(ModularCrypt.decode(storedHash));
            return factory.verify(stored, preHash(password).toCharArray());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Stored password hash is unreadable", e);
        }
    }

    /** Spends the same work as a real verification, for callers that have no user. */
    public void verifyDecoy(String password) {
        verify(password, decoy);
    }

    private static String preHash(String password) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
