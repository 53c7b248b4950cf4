package dev.parley.chat.message;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.types.ObjectId;
import org.jboss.logging.Logger;

import dev.parley.chat.crypto.MessageCipher.UnreadableContentException;

/**
 * Re-encrypts content sealed under older keys with the active key, in id order and in batches, so
 * an old key can be retired. Safe to run again or concurrently with traffic: each update applies
 * only if the message still carries the key it was read with.
 */
@ApplicationScoped
public class KeyRotation {

    private static final Logger LOG = Logger.getLogger(KeyRotation.class);
    private static final int BATCH = 500;

    /** What one run did. */
    public record Report(long reencrypted, long unreadable, String activeKey) {
    }

    private final MessageEncryption encryption;
    private final MessageStore messages;

    public KeyRotation(MessageEncryption encryption, MessageStore messages) {
        this.encryption = encryption;
        this.messages = messages;
    }

    public Report run() {
        String active = encryption.activeKeyId();
        long done = 0;
        long unreadable = 0;
        ObjectId after = null;
        List<Message> batch;
        while (!(batch = messages.sealedUnderOtherKeys(active, after, BATCH)).isEmpty()) {
            for (Message m : batch) {
                after = m.id;
                try {
                    messages.reseal(m, encryption.resealed(m));
                    done++;
                } catch (UnreadableContentException e) {
                    unreadable++;
                    LOG.errorf("Message %s cannot be re-encrypted: %s", m.idHex(), e.getMessage());
                }
            }
        }
        LOG.infof("Re-encrypted %d message(s) under key %s (%d unreadable)", done, active, unreadable);
        return new Report(done, unreadable, active);
    }
}
