package dev.parley.e2e;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.vertx.core.json.JsonObject;

/**
 * Tokens an attacker makes: signed with no algorithm, with HMAC keyed by the public key, or (to
 * prove each claim check on its own) with auth-service's real key read from the stack's data
 * directory but one claim wrong. {@link #valid} is the control: the same construction with every
 * claim right is accepted, so a 401 for a variant is that variant's fault.
 */
final class ForgedTokens {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private final PrivateKey key;
    private final String kid;
    private final byte[] modulus;

    ForgedTokens(Path signingKeyPem, JsonObject jwk) throws Exception {
        String pem = Files.readString(signingKeyPem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        this.key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        this.kid = jwk.getString("kid");
        this.modulus = new BigInteger(1, Base64.getUrlDecoder().decode(jwk.getString("n"))).toByteArray();
    }

    /** The claims of a good access token for this user. */
    static Map<String, Object> claims(String userId, String username) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", "parley-auth");
        claims.put("aud", "parley-api");
        claims.put("sub", userId);
        claims.put("upn", username);
        claims.put("groups", List.of("user"));
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("iat", now);
        claims.put("exp", now + 600);
        return claims;
    }

    String valid(Map<String, Object> claims) throws Exception {
        return rs256(kid, claims);
    }

    String rs256(String keyId, Map<String, Object> claims) throws Exception {
        String signingInput = header("RS256", keyId) + "." + part(new JsonObject(claims));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(key);
        rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + B64.encodeToString(rsa.sign());
    }

    String none(Map<String, Object> claims) {
        return header("none", kid) + "." + part(new JsonObject(claims)) + ".";
    }

    /** HS256 keyed with the RSA public key's modulus: the algorithm-confusion attack. */
    String hs256WithPublicKey(Map<String, Object> claims) throws Exception {
        String signingInput = header("HS256", kid) + "." + part(new JsonObject(claims));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(modulus, "HmacSHA256"));
        return signingInput + "." + B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    }

    /** The token with one bit of its signature flipped. */
    static String flipSignatureBit(String token) {
        int dot = token.lastIndexOf('.');
        byte[] signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        signature[signature.length / 2] ^= 0x01;
        return token.substring(0, dot + 1) + B64.encodeToString(signature);
    }

    /** A real token whose claims are edited (sub replaced) and whose signature is kept. */
    static String withSubject(String token, String sub) {
        String[] parts = token.split("\\.");
        JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        claims.put("sub", sub);
        return parts[0] + "." + part(claims) + "." + parts[2];
    }

    private static String header(String alg, String kid) {
        return part(new JsonObject().put("alg", alg).put("typ", "JWT").put("kid", kid));
    }

    private static String part(JsonObject json) {
        return B64.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
    }
}
