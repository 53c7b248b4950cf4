// Catching up with the server: the chat list, pages of a chat's history, and after every
// (re)connect everything since the newest message we had.

import type { Chat, Message, MessagePage } from '../lib/model';
import type { Session } from '../lib/session';
import type { ChatSocket } from '../lib/socket';
import type { Inbox } from './inbox';
import type { People } from './people';
import type { ReadReceipts } from './receipts';
import { orderOf } from './thread';

const PAGE = 30;

export class Sync {
  private chatsReload = 0;

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
    const since = inbox.newestId;
    try {
      if (since) await this.syncSince(since);
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

  /** The socket's `sync`, page after page. */
  private async syncSince(since: string): Promise<void> {
    let after = since;
    for (;;) {
      const result = await this.socket.request('sync', { since: after });
      const messages = result.data.messages as Message[];
      for (const message of messages) this.inbox.merge(message);
      if (!result.data.more || messages.length === 0) break;
      after = messages[messages.length - 1].id;
    }
  }
}
