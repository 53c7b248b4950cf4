package dev.parley.user.presence;

import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.faulttolerance.Asynchronous;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Tells chat-service when a user sets their status over REST, so it can push {@code user:status}
 * to the user's contacts. Best effort and off the request thread: the status is stored either way,
 * and a contact who missed the push sees it on the next profile read. Not retried: each call
 * pushes a frame to every contact, so a retry after a lost answer would push it twice.
 */
@ApplicationScoped
public class ChatPresenceNotifier {

    private static final Logger LOG = Logger.getLogger(ChatPresenceNotifier.class);

    private final ChatServiceClient chat;

    public ChatPresenceNotifier(@RestClient ChatServiceClient chat) {
        this.chat = chat;
    }

    void notify(@Observes StatusChanged change) {
        tell(change).exceptionally(e -> {
            LOG.warnf("chat-service not told that %s is %s: %s", change.userId(), change.status(), e.getMessage());
            return null;
        });
    }

    /** Intercepted although called from this bean: ArC applies interceptors to self-invocation. */
    @Asynchronous
    @Timeout(value = 3, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 10, delayUnit = ChronoUnit.SECONDS)
    CompletionStage<Void> tell(StatusChanged change) {
        chat.changed(new ChatServiceClient.PresenceChange(change.userId(), change.status(), change.lastSeen()));
        return CompletableFuture.completedFuture(null);
    }
}
