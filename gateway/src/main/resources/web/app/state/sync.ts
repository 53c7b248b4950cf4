// Catching up with the server: the chat list, pages of a chat's history, and after every
// (re)connect, or on a gap in a chat's seq, everything after what we have of each chat
// (the per-chat sync of docs/websocket-protocol.md).

import type { Chat, Message, MessagePage } from '../lib/model';
import type { Session } from '../lib/session';
import type { ChatSocket } from '../lib/socket';
import type { Inbox } from './inbox';
import type { People } from './people';
import type { ReadReceipts } from './receipts';
import { orderOf } from './thread';

const PAGE = 30;

/** What we have of a chat: every message up to `seq`, every change up to `changes`. */
interface Cursor { seq: number; changes: number }

interface ChatChanges {
  chatId: string;
  messages: Message[];
  changed: Message[];
  reads: { userId: string; messageId: string; seq: number }[];
  seq: number;
  changes: number;
}

export class Sync {
  private chatsReload = 0;
  private readonly cursors = new Map<string, Cursor>();
  private syncing: Promise<void> | null = null;

  constructor(private readonly inbox: Inbox, private readonly session: Session, private readonly socket: ChatSocket,
              private readonly people: People, private readonly receipts: ReadReceipts) {}

  async loadChats(): Promise<void> {
    const inbox = this.inbox;
    const list = await this.session.call<{ chats: Chat[] }>('GET', '/chat');
    for (const chat of list.chats) {
      // messages that arrived live while the list was on its way are not in its counts yet
      const listed = chat.lastMessage ? orderOf(chat.lastMessage) : '';
      let later = 0;
      for (const entry of inbox.threads.get(chat.id)?.entries.values() ?? []) {
        if (entry.id && entry.senderId !== inbox.me.id && entry.order > listed) later++;
      }
      chat.unreadCount = inbox.isViewing(chat.id) ? 0 : chat.unreadCount + later;
      const known = inbox.chats.get(chat.id)?.lastMessage;
      if (known && orderOf(known) > listed) {
        chat.lastMessage = known;
        chat.lastMessageAt = known.timestamp;
      }
      inbox.chats.set(chat.id, chat);
      if (chat.lastMessage) inbox.merge(chat.lastMessage); // so that its live copy is known as seen
    }
    inbox.changed();
    this.people.load(list.chats.flatMap(chat => chat.participantIds));
  }

  reloadChatsSoon(): void {
    window.clearTimeout(this.chatsReload);
    this.chatsReload = window.setTimeout(() => void this.loadChats().catch(() => undefined), 100);
  }

  /** The newest page: on opening, and after a reconnect (edits and receipts we may have missed). */
  async loadNewest(chatId: string): Promise<void> {
    const page = await this.session.call<MessagePage>('GET', `/chat/${chatId}?limit=${PAGE}`);
    const thread = this.inbox.thread(chatId);
    for (const message of page.messages) this.inbox.merge(message);
    const first = !thread.loaded;
    if (first) {
      thread.loaded = true;
      thread.cursor = page.nextCursor ?? null;
      thread.hasOlder = !!page.nextCursor;
    }
    this.inbox.changed({ scrollToEnd: first });
  }

  /** The page before the oldest one loaded (cursor paging: no gaps, no repeats). */
  async loadOlder(chatId: string): Promise<void> {
    const thread = this.inbox.thread(chatId);
    if (!thread.loaded || !thread.hasOlder || thread.loadingOlder || !thread.cursor) return;
    thread.loadingOlder = true;
    this.inbox.changed();
    try {
      const page = await this.session.call<MessagePage>('GET',
        `/chat/${chatId}?limit=${PAGE}&before=${encodeURIComponent(thread.cursor)}`);
      for (const message of page.messages) this.inbox.merge(message);
      thread.cursor = page.nextCursor ?? null;
      thread.hasOlder = !!page.nextCursor;
    } finally {
      thread.loadingOlder = false;
      this.inbox.changed({ prepended: true });
    }
  }

  /** After every (re)connect: everything since the newest message we had, then fresh lists. */
  async catchUp(): Promise<void> {
    const inbox = this.inbox;
    try {
      await this.syncChats();
      if (inbox.myStatus === 'away') this.socket.emit('user:status', { status: 'away' });
      await this.loadChats();
      this.people.load([...inbox.chats.values()].flatMap(chat => chat.participantIds), true);
      if (inbox.openChatId && inbox.thread(inbox.openChatId).loaded) {
        await this.loadNewest(inbox.openChatId);
        this.receipts.markReadIfViewing(inbox.openChatId);
      }
    } catch {
      // the next open tries again
    }
  }

  /**
   * A message that arrived live: the chat's cursor moves on when it is the next one; a message
   * further ahead means we missed some (a dropped socket, a replica that lost Redis) and ask.
   */
  noteLive(message: Message): void {
    const cursor = this.cursors.get(message.chatId);
    if (!cursor || !message.seq) return; // a chat we learn of at the next sync
    if (message.seq === cursor.seq + 1) {
      cursor.seq = message.seq;
    } else if (message.seq > cursor.seq + 1) {
      void this.syncChats().catch(() => undefined);
    }
  }

  /**
   * The socket's `sync` for every chat we have a cursor for, page after page; the first time we
   * have none, and the answer's heads give them (what came before is loaded over REST).
   */
  private syncChats(): Promise<void> {
    this.syncing ??= this.syncPages().finally(() => { this.syncing = null; });
    return this.syncing;
  }

  private async syncPages(): Promise<void> {
    for (;;) {
      const chats = [...this.cursors].map(([chatId, cursor]) => ({ chatId, seq: cursor.seq, changes: cursor.changes }));
      const result = await this.socket.request('sync', { chats });
      for (const chat of result.data.chats as ChatChanges[]) this.apply(chat);
      for (const head of result.data.heads as { chatId: string; seq: number; changes: number }[]) {
        if (!this.cursors.has(head.chatId)) this.cursors.set(head.chatId, { seq: head.seq, changes: head.changes });
      }
      this.inbox.changed();
      if (!result.data.more) break;
    }
  }

  private apply(chat: ChatChanges): void {
    for (const message of chat.messages) this.inbox.merge(message);
    for (const message of chat.changed) {
      if (message.deletedAt) this.inbox.markDeleted(chat.chatId, message.id, message.deletedAt);
      else this.inbox.merge(message);
    }
    for (const read of chat.reads) this.receipts.markReadBy(chat.chatId, read.userId, read.messageId);
    this.cursors.set(chat.chatId, { seq: chat.seq, changes: chat.changes });
  }
}
