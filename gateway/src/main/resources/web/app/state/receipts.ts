// Read receipts both ways: ours go out for what we see, theirs mark our messages read.

import type { Session } from '../lib/session';
import type { ChatSocket } from '../lib/socket';
import type { Inbox } from './inbox';
import type { Entry } from './thread';

export class ReadReceipts {
  constructor(private readonly inbox: Inbox, private readonly session: Session, private readonly socket: ChatSocket) {}

  /** Tells the others (and our other devices) that we have read up to the newest message. */
  markReadIfViewing(chatId: string): void {
    const inbox = this.inbox;
    if (!inbox.isViewing(chatId)) return;
    const chat = inbox.chats.get(chatId);
    if (chat) chat.unreadCount = 0;
    const thread = inbox.thread(chatId);
    const newest = [...thread.entries.values()]
      .filter(entry => entry.id && entry.senderId !== inbox.me.id)
      .reduce<Entry | undefined>((a, b) => (!a || b.order > a.order ? b : a), undefined);
    if (newest?.id && newest.id !== thread.lastReadSent) {
      thread.lastReadSent = newest.id;
      const data = { chatId, messageId: newest.id };
      if (!this.socket.emit('message:read', data)) {
        this.session.call<void>('POST', `/chat/${chatId}/read`, { messageId: newest.id }).catch(() => {
          thread.lastReadSent = null;
        });
      }
    }
    inbox.changed();
  }

  /** Someone read everything up to messageId: our messages up to there show it. */
  markReadBy(chatId: string, userId: string, messageId: string): void {
    const inbox = this.inbox;
    const me = inbox.me.id;
    if (userId === me) {
      const chat = inbox.chats.get(chatId);
      if (chat) chat.unreadCount = 0; // read on another device
      inbox.changed();
      return;
    }
    const thread = inbox.threads.get(chatId);
    const upTo = thread?.byId(messageId)?.order ?? (inbox.chats.get(chatId)?.lastMessage?.id === messageId ? '~' : null);
    if (!thread || !upTo) return;
    const others = (inbox.chats.get(chatId)?.participantIds ?? []).filter(id => id !== me);
    for (const entry of thread.entries.values()) {
      if (entry.senderId !== me || !entry.id || entry.order > upTo) continue;
      if (!entry.readBy.includes(userId)) entry.readBy.push(userId);
      entry.read = others.length > 0 && others.every(id => entry.readBy.includes(id));
    }
    inbox.changed();
  }
}
