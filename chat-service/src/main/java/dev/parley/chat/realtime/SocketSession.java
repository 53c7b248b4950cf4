package dev.parley.chat.realtime;

import java.time.Duration;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;

import dev.parley.chat.ChatConfig;

/** Per-connection state: who it is, and how fast it may talk. */
final class SocketSession {

    final String userId;
    final long expiryTimer;
    private final Bucket frames;
    private final Bucket typing;
    private int strikes;
    private volatile long lastHeard = System.nanoTime();

    SocketSession(String userId, long expiryTimer, ChatConfig.Socket limits) {
        this.userId = userId;
        this.expiryTimer = expiryTimer;
        this.frames = Bucket.builder().addLimit(Bandwidth.builder().capacity(limits.frameBurst())
                .refillGreedy(limits.framesPerSecond(), Duration.ofSeconds(1)).build()).build();
        this.typing = Bucket.builder().addLimit(Bandwidth.builder().capacity(limits.typingPer10Seconds())
                .refillGreedy(limits.typingPer10Seconds(), Duration.ofSeconds(10)).build()).build();
    }

    /** Something (a frame or a pong) arrived from the peer. */
    void heard() {
        lastHeard = System.nanoTime();
    }

    boolean silentFor(Duration limit) {
        return System.nanoTime() - lastHeard > limit.toNanos();
    }

    /** False when the connection is over its frame rate. */
    boolean allowFrame() {
        return frames.tryConsume(1);
    }

    /** Counts a rate-limited frame; true when the connection has flooded long enough to be closed. */
    synchronized boolean strike(int tolerated) {
        return ++strikes > tolerated;
    }

    boolean allowTyping() {
        return typing.tryConsume(1);
    }
}
