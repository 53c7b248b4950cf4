package dev.parley.chat.message;

import java.time.Instant;

import dev.parley.chat.conversation.ChatDirectory.Members;
import dev.parley.chat.message.MessageDtos.MessageView;

/**
 * What happens to messages, for whoever delivers it to the participants (the realtime feature
 * implements it): the message feature knows nothing of sockets or frames.
 */
public interface MessageEvents {

    /** To every participant's connections but the sending one (which gets the ack). */
    void created(Members chat, Sent sent, String senderConnection);

    /** @param change the chat's change number of this edit */
    void updated(Members chat, MessageView message, long change);

    void deleted(Members chat, String messageId, Instant deletedAt, long change);

    void read(Members chat, String readerId, String messageId, long seq, long change);
}
