package dev.parley.chat;

import static dev.parley.testsupport.OpenApiContract.api;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;

import dev.parley.chat.crypto.MessageCipher;
import dev.parley.testsupport.EmbeddedMongo;
import dev.parley.testsupport.InjectEmbeddedMongo;
import dev.parley.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** Key rotation: messages under the old key stay readable, and re-encryption moves them to the new one. */
@QuarkusTest
@ChatTestResources
@TestProfile(ReencryptionTest.Rotated.class)
class ReencryptionTest {

    static final String OLD = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    static final String NEW = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";

    public static class Rotated implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("parley.chat.crypto.keys.\"2026-01\"", OLD, "parley.chat.crypto.keys.\"2026-02\"", NEW,
                    "parley.chat.crypto.active-key", "2026-02", "parley.chat.crypto.generate-if-missing", "false");
        }
    }

    @InjectEmbeddedMongo
    EmbeddedMongo store;

    @Test
    void oldMessagesStayReadableAndAreMovedToTheActiveKey() {
        TestUser ann = TestUser.create("ann");
        String chat = ann.directChatWith(TestUser.create("ben"));
        String fresh = ann.send(chat, "under the new key").getString("id");
        ObjectId old = storeUnderTheOldKey(chat, ann.id(), "written before the rotation");

        ann.api().get("/chat/" + chat).then().statusCode(200)
                .body("messages.find { it.id == '" + old.toHexString() + "' }.content", equalTo("written before the rotation"));
        assertEquals("2026-02", store.findRaw("messages", new Document("_id", new ObjectId(fresh))).getString("keyId"));

        api().auth().oauth2(TestTokens.service("operator")).post("/internal/messages/reencrypt").then().statusCode(200)
                .body("reencrypted", equalTo(1)).body("unreadable", equalTo(0)).body("activeKey", equalTo("2026-02"));

        Document resealed = store.findRaw("messages", new Document("_id", old));
        assertEquals("2026-02", resealed.getString("keyId"));
        assertEquals(24, resealed.get("nonce", org.bson.types.Binary.class).getData().length, "re-sealed under a per-message key");
        ann.api().get("/chat/" + chat).then().statusCode(200)
                .body("messages.find { it.id == '" + old.toHexString() + "' }.content", equalTo("written before the rotation"));
        api().auth().oauth2(TestTokens.service("operator")).post("/internal/messages/reencrypt").then().statusCode(200)
                .body("reencrypted", equalTo(0));
    }

    /** A message as chat-service stored it before the rotation: sealed under the old key, the chat's next seq. */
    private ObjectId storeUnderTheOldKey(String chat, String sender, String text) {
        ObjectId id = new ObjectId();
        long seq = store.database().getCollection("chats").findOneAndUpdate(new Document("_id", new ObjectId(chat)),
                new Document("$inc", new Document("seq", 1L)), new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER))
                .getLong("seq");
        // sealed as chat-service sealed every message before per-message keys: the key itself, a
        // 12-byte nonce, bound to id, chat and sender (MessageCipher opens both forms)
        byte[] aad = (id.toHexString() + "|" + chat + "|" + sender).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        MessageCipher.Sealed sealed = legacySeal(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), aad);
        store.database().getCollection("messages").insertOne(new Document("_id", id).append("chatId", chat)
                .append("senderId", sender).append("type", "text").append("keyId", sealed.keyId())
                .append("nonce", new Binary(sealed.nonce())).append("ciphertext", new Binary(sealed.ciphertext()))
                .append("timestamp", java.util.Date.from(Instant.now().minus(1, ChronoUnit.HOURS)))
                .append("clientMessageId", "old-1").append("seq", seq));
        return id;
    }

    private static MessageCipher.Sealed legacySeal(byte[] plaintext, byte[] aad) {
        try {
            byte[] nonce = new byte[12];
            new java.security.SecureRandom().nextBytes(nonce);
            javax.crypto.Cipher gcm = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(java.util.Base64.getDecoder().decode(OLD), "AES"),
                    new javax.crypto.spec.GCMParameterSpec(128, nonce));
            gcm.updateAAD(aad);
            return new MessageCipher.Sealed("2026-01", nonce, gcm.doFinal(plaintext));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
