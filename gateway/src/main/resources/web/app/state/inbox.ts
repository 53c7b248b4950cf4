// Everything the signed-in user sees, in one place: chats, their threads, profiles and presence,
// the connection, and the own messages still to be sent. The views only read it; the other parts
// of state/ change it, and every change ends in `changed()` so that the view re-renders.

import type { Account, Chat, Message, Profile } from '../lib/model';
import type { Connection } from '../lib/socket';
import { sortable } from '../lib/time';
import { Entry, keyOf, orderOf, Thread } from './thread';

/** What a re-render should do with the conversation's scroll position. */
export interface Change {
  scrollToEnd?: boolean;
  prepended?: boolean;
}

export class Inbox {
  myStatus: 'online' | 'away' = 'online';
  readonly chats = new Map<string, Chat>();
  readonly threads = new Map<string, Thread>();
  readonly profiles = new Map<string, Profile>();
  openChatId: string | null = null;
  connection: Connection = { kind: 'connecting' };
  /**
   * The outbox's queue, oldest first. It lives here rather than in the outbox because a stored
   * copy takes a message out of it whichever way the copy comes (ack, sync, chat list, live event).
   */
  readonly unsent: Entry[] = [];

  /** Called after every change; the view re-renders (batched). */
  onChange: (change: Change) => void = () => {};

  constructor(readonly me: Account) {}

  changed(change: Change = {}): void {
    this.onChange(change);
  }

  thread(chatId: string): Thread {
    let thread = this.threads.get(chatId);
    if (!thread) {
      thread = new Thread();
      this.threads.set(chatId, thread);
    }
    return thread;
  }

  /** The other person of a direct chat. */
  partner(chat: Chat): Profile | undefined {
    const other = chat.participantIds.find(id => id !== this.me.id);
    return other ? this.profiles.get(other) : undefined;
  }

  chatName(chat: Chat): string {
    if (chat.type === 'group') return chat.name || 'Group';
    return this.partner(chat)?.username ?? '…';
  }

  nameOf(userId: string): string {
    return userId === this.me.id ? 'You' : this.profiles.get(userId)?.username ?? 'Someone';
  }

  /** Newest activity first: the newest message, an unsent one counting as newest of all. */
  sortedChats(): Chat[] {
    const activity = (chat: Chat) => {
      const last = this.threads.get(chat.id)?.last();
      const stored = sortable(chat.lastMessageAt);
      if (!last) return stored;
      const mine = last.timestamp ? sortable(last.timestamp) : '~';
      return mine > stored ? mine : stored;
    };
    return [...this.chats.values()].sort((a, b) => {
      const x = activity(a);
      const y = activity(b);
      return x < y ? 1 : x > y ? -1 : 0;
    });
  }

  /** The newest message of a chat for its preview, unsent ones included. */
  preview(chat: Chat): Entry | Message | null {
    const last = this.threads.get(chat.id)?.last();
    if (last && (!chat.lastMessage || last.order >= orderOf(chat.lastMessage))) return last;
    return chat.lastMessage ?? null;
  }

  typingIn(chatId: string): string[] {
    const now = Date.now();
    const thread = this.threads.get(chatId);
    if (!thread) return [];
    return [...thread.typing.entries()].filter(([, until]) => until > now).map(([userId]) => this.nameOf(userId));
  }

  isViewing(chatId: string): boolean {
    return this.openChatId === chatId && document.visibilityState === 'visible';
  }

  /** Adds or updates a stored message; true when it is new here (not a repeat, not our own ack). */
  merge(message: Message): boolean {
    const thread = this.thread(message.chatId);
    const key = keyOf(message.senderId, message.clientMessageId || message.id);
    const existing = thread.entries.get(key);
    const entry: Entry = existing ?? {
      key, chatId: message.chatId, senderId: message.senderId, type: message.type,
      clientMessageId: message.clientMessageId, read: false, readBy: [], order: '',
    };
    entry.id = message.id;
    entry.type = message.type;
    entry.content = message.content ?? null;
    entry.contentError = message.contentError ?? null;
    entry.attachment = message.attachment ?? null;
    entry.timestamp = message.timestamp;
    entry.editedAt = message.editedAt ?? null;
    entry.deletedAt = message.deletedAt ?? null;
    entry.readBy = [...new Set([...entry.readBy, ...(message.readBy ?? [])])];
    entry.read = entry.read || message.read;
    entry.order = orderOf(message);
    if (entry.delivery) this.delivered(entry);
    thread.entries.set(key, entry);
    const chat = this.chats.get(message.chatId);
    if (chat && (!chat.lastMessage || entry.order >= orderOf(chat.lastMessage))) {
      chat.lastMessage = message;
      chat.lastMessageAt = message.timestamp;
    }
    return !existing;
  }

  markDeleted(chatId: string, messageId: string, deletedAt: string): void {
    const entry = this.threads.get(chatId)?.byId(messageId);
    if (entry) {
      entry.deletedAt = deletedAt;
      entry.content = null;
      entry.attachment = null;
    }
    const chat = this.chats.get(chatId);
    if (chat?.lastMessage?.id === messageId) chat.lastMessage = { ...chat.lastMessage, content: null, deletedAt };
    this.changed();
  }

  private delivered(entry: Entry): void {
    entry.delivery = undefined;
    entry.failure = undefined;
    const queued = this.unsent.indexOf(entry);
    if (queued >= 0) this.unsent.splice(queued, 1);
  }
}
