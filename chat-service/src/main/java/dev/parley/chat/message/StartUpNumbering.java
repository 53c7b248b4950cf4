package dev.parley.chat.message;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.bson.types.ObjectId;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

import dev.parley.chat.conversation.Chat;
import dev.parley.chat.conversation.ChatStore;

/**
 * At start-up, before the writer takes its first message: numbers every message that has no seq.
 * The first time (messages stored before messages had numbers) one replica does it for all, in
 * each chat's (timestamp, id) order, and gives read positions their seq, while the others wait;
 * after that it only numbers what a crash between an insert and its numbering left (idempotent;
 * messages stored in the last minute are left to the writer that is numbering them).
 */
@ApplicationScoped
public class StartUpNumbering {

    private static final Logger LOG = Logger.getLogger(StartUpNumbering.class);
    static final String MIGRATION = "message-seq-v1";
    private static final Duration STALE = Duration.ofMinutes(2);
    private static final Duration WAIT_AT_MOST = Duration.ofMinutes(10);
    private static final int BATCH = 500;
    /** Far longer than a writer takes from an insert to its numbering. */
    private static final Duration IN_FLIGHT = Duration.ofMinutes(1);

    private final ChatStore chats;
    private final MessageStore messages;
    private final MessageNumbers numbers;
    private final CountDownLatch done = new CountDownLatch(1);

    public StartUpNumbering(ChatStore chats, MessageStore messages, MessageNumbers numbers) {
        this.chats = chats;
        this.messages = messages;
        this.numbers = numbers;
    }

    /** Blocks until the start-up numbering is over (the writer's first step). */
    void awaitDone() throws InterruptedException {
        done.await();
    }

    void run(@Observes @Priority(10) StartupEvent event) throws InterruptedException {
        try {
            if (!messages.migrationDone(MIGRATION)) {
                firstTime();
            }
            long numbered = numberUnnumbered();
            if (numbered > 0) {
                LOG.infof("Numbered %d message(s) that had no seq", numbered);
            }
        } finally {
            done.countDown();
        }
    }

    private void firstTime() throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT_AT_MOST);
        while (!messages.claimMigration(MIGRATION, Instant.now(), Instant.now().minus(STALE))) {
            if (messages.migrationDone(MIGRATION)) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                LOG.errorf("Gave up waiting for another replica to number old messages; numbering here");
                break;
            }
            Thread.sleep(200);
        }
        long numbered = numberUnnumbered();
        long markers = numberOldReadMarkers();
        messages.finishMigration(MIGRATION, Instant.now());
        LOG.infof("Gave %d stored message(s) and %d read position(s) their seq", numbered, markers);
    }

    private long numberUnnumbered() {
        long[] count = { 0 };
        // a message younger than that may be one another replica's writer is numbering right now
        messages.forEachUnnumbered(Instant.now().minus(IN_FLIGHT), BATCH, chunk -> {
            numbers.number(chunk);
            count[0] += chunk.size();
        });
        return count[0];
    }

    private long numberOldReadMarkers() {
        long count = 0;
        ObjectId after = null;
        List<Chat> page;
        while (!(page = chats.allAfter(after, BATCH)).isEmpty()) {
            for (Chat chat : page) {
                after = chat.id;
                count += numberOldReadMarkers(chat);
            }
        }
        return count;
    }

    private long numberOldReadMarkers(Chat chat) {
        long count = 0;
        if (chat.readMarkers != null) {
            for (Map.Entry<String, Chat.ReadMarker> entry : chat.readMarkers.entrySet()) {
                Long seq = entry.getValue().seq == null ? messages.seqOf(entry.getValue().messageId) : null;
                if (seq != null) {
                    chats.numberOldReadMarker(chat.id, entry.getKey(), seq);
                    count++;
                }
            }
        }
        return count;
    }
}
