package dev.parley.chat.message;

import java.util.function.Function;

import dev.parley.chat.message.MessageDtos.MessageView;

/**
 * A stored send: the message, and whether it had been stored before (a retry). It carries one
 * slot for the message's wire form, so the participants' receive frames and the sender's ack
 * embed one serialization instead of making two: whoever encodes first fills it.
 */
public final class Sent {

    private final MessageView message;
    private final boolean duplicate;
    private Object wire;

    public Sent(MessageView message, boolean duplicate) {
        this.message = message;
        this.duplicate = duplicate;
    }

    public MessageView message() {
        return message;
    }

    public boolean duplicate() {
        return duplicate;
    }

    /** The message encoded once by {@code encode}; later calls get the same object (always pass the same encoder). */
    @SuppressWarnings("unchecked")
    public synchronized <T> T wire(Function<MessageView, T> encode) {
        if (wire == null) {
            wire = encode.apply(message);
        }
        return (T) wire;
    }
}
