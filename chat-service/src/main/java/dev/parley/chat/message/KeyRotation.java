package dev.parley.chat.crypto;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.ne;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;
import org.bson.types.ObjectId;
import org.jboss.logging.Logger;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;

import dev.parley.chat.message.Message;

/**
 * Re-encrypts content sealed under older keys with the active key, in id order and in batches, so
 * an old key can be retired. Safe to run again or concurrently with traffic: each update applies
 * only if the message still carries the key it was read with.
 */
@ApplicationScoped
public class Reencryption {

    private static final Logger LOG = Logger.getLogger(Reencryption.class);
    private static final int BATCH = 500;

    /** What one run did. */
    public record Report(long reencrypted, long unreadable, String activeKey) {
    }

    private final MessageCipher cipher;

    public Reencryption(MessageCipher cipher) {
        this.cipher = cipher;
    }

    public Report run() {
        String active = cipher.activeKeyId();
        long done = 0;
        long unreadable = 0;
        ObjectId after = null;
        while (true) {
            var filter = and(ne("keyId", active), ne("keyId", null), eq("deletedAt", null));
            if (after != null) {
                filter = and(filter, gt("_id", after));
            }
            List<Message> batch = Message.<Message>mongoCollection().find(filter).sort(new Document("_id", 1)).limit(BATCH)
                    .into(new ArrayList<>());
            if (batch.isEmpty()) {
                break;
            }
            for (Message m : batch) {
                after = m.id;
                try {
                    byte[] plaintext = cipher.open(new MessageCipher.Sealed(m.keyId, m.nonce, m.ciphertext), m.associatedData());
                    MessageCipher.Sealed sealed = cipher.seal(plaintext, m.associatedData());
                    Message.mongoCollection().updateOne(Filters.and(eq("_id", m.id), eq("keyId", m.keyId)),
                            Updates.combine(Updates.set("keyId", sealed.keyId()), Updates.set("nonce", sealed.nonce()),
                                    Updates.set("ciphertext", sealed.ciphertext())));
                    done++;
                } catch (MessageCipher.UnreadableContentException e) {
                    unreadable++;
                    LOG.errorf("Message %s cannot be re-encrypted: %s", m.idHex(), e.getMessage());
                }
            }
        }
        LOG.infof("Re-encrypted %d message(s) under key %s (%d unreadable)", done, active, unreadable);
        return new Report(done, unreadable, active);
    }
}
