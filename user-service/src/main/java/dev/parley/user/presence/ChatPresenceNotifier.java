package dev.parley.user.presence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.infrastructure.Infrastructure;

import dev.parley.support.internal.ServiceCredential;

/**
 * Tells chat-service when a user sets their status over REST, so it can push {@code user:status}
 * to the user's contacts. Best effort and off the request thread: the status is stored either way,
 * and a contact who missed the push sees it on the next profile read.
 */
@ApplicationScoped
public class ChatPresenceNotifier {

    private static final Logger LOG = Logger.getLogger(ChatPresenceNotifier.class);

    private final ChatServiceClient chat;
    private final ServiceCredential credential;

    public ChatPresenceNotifier(@RestClient ChatServiceClient chat, ServiceCredential credential) {
        this.chat = chat;
        this.credential = credential;
    }

    void notify(@Observes StatusChanged change) {
        Infrastructure.getDefaultWorkerPool().execute(() -> {
            try {
                chat.changed(credential.authorization(),
                        new ChatServiceClient.PresenceChange(change.userId(), change.status(), change.lastSeen()));
            } catch (RuntimeException e) {
                LOG.warnf("chat-service not told that %s is %s: %s", change.userId(), change.status(), e.getMessage());
            }
        });
    }
}
