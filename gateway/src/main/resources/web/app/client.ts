// Everything the signed-in user sees, kept in one place and changed only by the methods here:
// chats, message threads, profiles and presence, the outbox, and the connection. The views read
// it and call these methods; they never talk to the network themselves.

import { ApiError, read, request } from './lib/api';
import { announce } from './lib/dom';
import type { Account, Chat, Frame, Message, MessagePage, Profile, Status } from './lib/model';
import type { Session } from './lib/session';
import { ChatSocket, Connection, SocketError } from './lib/socket';
import { sortable } from './lib/time';

/** How an own message is getting on; absent once the server has stored it. */
export type Delivery = 'queued' | 'sending' | 'failed';

/** A message as shown: stored ones have id and timestamp, own unsent ones not yet. */
export interface Entry {
  key: string;
  id?: string;
  chatId: string;
  senderId: string;
  type: Message['type'];
  content?: string | null;
  contentError?: string | null;
  attachment?: Message['attachment'];
  timestamp?: string;
  clientMessageId: string;
  editedAt?: string | null;
  deletedAt?: string | null;
  read: boolean;
  readBy: string[];
  /** (timestamp, id) as one sortable string; unsent messages sort last, in the order written. */
  order: string;
  delivery?: Delivery;
  failure?: string;
}

export class Thread {
  readonly entries = new Map<string, Entry>();
  loaded = false;
  cursor: string | null = null;
  hasOlder = true;
  loadingOlder = false;
  /** userId -> when their "typing" runs out (ms). */
  readonly typing = new Map<string, number>();
  lastReadSent: string | null = null;

  sorted(): Entry[] {
    return [...this.entries.values()].sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
  }

  last(): Entry | undefined {
    let last: Entry | undefined;
    for (const entry of this.entries.values()) if (!last || entry.order > last.order) last = entry;
    return last;
  }

  byId(id: string): Entry | undefined {
    for (const entry of this.entries.values()) if (entry.id === id) return entry;
    return undefined;
  }
}

/** What a re-render should do with the conversation's scroll position. */
export interface Change {
  scrollToEnd?: boolean;
  prepended?: boolean;
}

const PAGE = 30;
const MAX_CONTENT_BYTES = 4096;
const TYPING_EVERY_MS = 3_000;
const TYPING_IDLE_MS = 4_000;
const TYPING_SHOWN_MS = 6_000;

function keyOf(senderId: string, clientMessageId: string): string {
  return `${senderId}/${clientMessageId}`;
}

function orderOf(message: Message): string {
  return `${sortable(message.timestamp)}|${message.id}`;
}

/** 128 random bits as hex: a clientMessageId (crypto.randomUUID needs a secure context; this does not). */
function newClientMessageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}

export class ParleyClient {
  readonly me: Account;
  myStatus: 'online' | 'away' = 'online';
  readonly chats = new Map<string, Chat>();
  readonly threads = new Map<string, Thread>();
  readonly profiles = new Map<string, Profile>();
  openChatId: string | null = null;
  connection: Connection = { kind: 'connecting' };

  /** Called after every change; the view re-renders (batched). */
  onChange: (change: Change) => void = () => {};

  private readonly socket: ChatSocket;
  private readonly outbox: Entry[] = [];
  private readonly loadingProfiles = new Set<string>();
  private newest: { order: string; id: string } | null = null;
  private localSequence = 0;
  private flushing = false;
  private flushAgain = false;
  private chatsReload = 0;
  private typingChat: string | null = null;
  private typingSentAt = 0;
  private typingIdle = 0;

  constructor(private readonly session: Session) {
    this.me = session.account!;
    this.socket = new ChatSocket(() => session.token(), () => session.renew());
    this.socket.onEvent = frame => this.onEvent(frame);
    this.socket.onOpen = () => void this.resync();
    this.socket.onConnection = connection => {
      this.connection = connection;
      if (connection.kind === 'waiting') void this.flush(); // the socket failed: the REST fallback may still work
      this.changed();
    };
    document.addEventListener('visibilitychange', this.becameVisible);
  }

  start(): void {
    void this.loadMe();
    void this.loadChats().catch(() => undefined); // the socket's first open loads them again
    this.socket.start();
  }

  stop(): void {
    this.socket.stop();
    document.removeEventListener('visibilitychange', this.becameVisible);
    window.clearTimeout(this.typingIdle);
  }

  retryConnection(): void {
    this.socket.retryNow();
  }

  // ---- reading -------------------------------------------------------------------------------

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

  // ---- HTTP ----------------------------------------------------------------------------------

  /** An API call with the access token; an expired one is renewed once and the call repeated. */
  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const attempt = async (token: string) => read<T>(await request(method, path, { body, token }));
    try {
      return await attempt(await this.session.token());
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return attempt(await this.session.renew());
      throw error;
    }
  }

  private async loadMe(): Promise<void> {
    try {
      const me = await this.call<Profile>('GET', '/user/me');
      this.profiles.set(me.id, me);
      this.myStatus = me.status === 'away' ? 'away' : 'online';
      this.changed();
    } catch {
      // shown as online; the socket makes it so anyway
    }
  }

  async loadChats(): Promise<void> {
    const list = await this.call<{ chats: Chat[] }>('GET', '/chat');
    for (const chat of list.chats) {
      // messages that arrived live while the list was on its way are not in its counts yet
      const listed = chat.lastMessage ? orderOf(chat.lastMessage) : '';
      let later = 0;
      for (const entry of this.threads.get(chat.id)?.entries.values() ?? []) {
        if (entry.id && entry.senderId !== this.me.id && entry.order > listed) later++;
      }
      chat.unreadCount = this.isViewing(chat.id) ? 0 : chat.unreadCount + later;
      const known = this.chats.get(chat.id)?.lastMessage;
      if (known && orderOf(known) > listed) {
        chat.lastMessage = known;
        chat.lastMessageAt = known.timestamp;
      }
      this.chats.set(chat.id, chat);
      if (chat.lastMessage) this.merge(chat.lastMessage); // so that its live copy is known as seen
    }
    this.changed();
    this.loadProfiles(list.chats.flatMap(chat => chat.participantIds));
  }

  private reloadChatsSoon(): void {
    window.clearTimeout(this.chatsReload);
    this.chatsReload = window.setTimeout(() => void this.loadChats().catch(() => undefined), 100);
  }

  private loadProfiles(ids: string[], again = false): void {
    for (const id of new Set(ids)) {
      if ((!again && this.profiles.has(id)) || this.loadingProfiles.has(id)) continue;
      this.loadingProfiles.add(id);
      this.call<Profile>('GET', `/user/${encodeURIComponent(id)}`)
        .then(profile => {
          this.profiles.set(id, { ...this.profiles.get(id), ...profile });
          this.changed();
        })
        .catch(() => undefined)
        .finally(() => this.loadingProfiles.delete(id));
    }
  }

  async searchPeople(prefix: string): Promise<Profile[]> {
    const found = await this.call<{ users: Profile[] }>('GET', `/user?search=${encodeURIComponent(prefix)}&limit=20`);
    for (const user of found.users) this.profiles.set(user.id, { ...this.profiles.get(user.id), ...user });
    return found.users.filter(user => user.id !== this.me.id);
  }

  async startDirectChat(userId: string): Promise<string> {
    return this.created(await this.call<Chat>('POST', '/chat', { participantIds: [userId] }));
  }

  async createGroup(name: string, userIds: string[]): Promise<string> {
    return this.created(await this.call<Chat>('POST', '/chat', { participantIds: userIds, name }));
  }

  private created(chat: Chat): string {
    this.chats.set(chat.id, { ...this.chats.get(chat.id), ...chat });
    this.loadProfiles(chat.participantIds);
    void this.openChat(chat.id);
    return chat.id;
  }

  // ---- a conversation ------------------------------------------------------------------------

  async openChat(chatId: string | null): Promise<void> {
    this.stopTyping();
    this.openChatId = chatId;
    this.changed({ scrollToEnd: true });
    if (!chatId) return;
    const thread = this.thread(chatId);
    if (!thread.loaded) await this.loadNewest(chatId).catch(() => undefined);
    this.markReadIfViewing(chatId);
  }

  /** The newest page: on opening, and after a reconnect (edits and receipts we may have missed). */
  private async loadNewest(chatId: string): Promise<void> {
    const page = await this.call<MessagePage>('GET', `/chat/${chatId}?limit=${PAGE}`);
    const thread = this.thread(chatId);
    for (const message of page.messages) this.merge(message);
    const first = !thread.loaded;
    if (first) {
      thread.loaded = true;
      thread.cursor = page.nextCursor ?? null;
      thread.hasOlder = !!page.nextCursor;
    }
    this.changed({ scrollToEnd: first });
  }

  /** The page before the oldest one loaded (cursor paging: no gaps, no repeats). */
  async loadOlder(chatId: string): Promise<void> {
    const thread = this.thread(chatId);
    if (!thread.loaded || !thread.hasOlder || thread.loadingOlder || !thread.cursor) return;
    thread.loadingOlder = true;
    this.changed();
    try {
      const page = await this.call<MessagePage>('GET',
        `/chat/${chatId}?limit=${PAGE}&before=${encodeURIComponent(thread.cursor)}`);
      for (const message of page.messages) this.merge(message);
      thread.cursor = page.nextCursor ?? null;
      thread.hasOlder = !!page.nextCursor;
    } finally {
      thread.loadingOlder = false;
      this.changed({ prepended: true });
    }
  }

  /** Queues a message; it goes out over the socket, or over REST while the socket cannot connect. */
  send(chatId: string, text: string): string | null {
    const content = text.replace(/^\s+|\s+$/g, '');
    if (!content) return null;
    if (new TextEncoder().encode(content).length > MAX_CONTENT_BYTES) return 'That message is too long (4 KB at most).';
    const clientMessageId = newClientMessageId();
    const entry: Entry = {
      key: keyOf(this.me.id, clientMessageId), chatId, senderId: this.me.id, type: 'text', content, clientMessageId,
      read: false, readBy: [], order: `~${String(++this.localSequence).padStart(8, '0')}`, delivery: 'queued',
    };
    this.thread(chatId).entries.set(entry.key, entry);
    this.outbox.push(entry);
    this.stopTyping();
    this.changed({ scrollToEnd: true });
    void this.flush();
    return null;
  }

  /** A failed message again, with the same clientMessageId: never stored twice. */
  retry(entry: Entry): void {
    if (entry.delivery !== 'failed') return;
    entry.delivery = 'queued';
    entry.failure = undefined;
    if (!this.outbox.includes(entry)) this.outbox.push(entry);
    this.changed();
    void this.flush();
  }

  async edit(entry: Entry, text: string): Promise<void> {
    const content = text.replace(/^\s+|\s+$/g, '');
    if (!entry.id || !content || content === entry.content) return;
    this.merge(await this.call<Message>('PATCH', `/chat/message/${entry.id}`, { content }));
    this.changed();
  }

  async remove(entry: Entry): Promise<void> {
    if (!entry.id) return;
    await this.call<void>('DELETE', `/chat/message/${entry.id}`);
    this.markDeleted(entry.chatId, entry.id, new Date().toISOString());
  }

  /** Called as the user types: "typing" at most every few seconds, "stopped" once idle. */
  typing(chatId: string, hasText: boolean): void {
    window.clearTimeout(this.typingIdle);
    if (!hasText) {
      this.stopTyping();
      return;
    }
    const now = Date.now();
    if (this.typingChat !== chatId || now - this.typingSentAt > TYPING_EVERY_MS) {
      if (this.socket.emit('user:typing', { chatId, typing: true })) {
        this.typingChat = chatId;
        this.typingSentAt = now;
      }
    }
    this.typingIdle = window.setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  private stopTyping(): void {
    window.clearTimeout(this.typingIdle);
    if (this.typingChat) this.socket.emit('user:typing', { chatId: this.typingChat, typing: false });
    this.typingChat = null;
    this.typingSentAt = 0;
  }

  async setStatus(status: 'online' | 'away'): Promise<void> {
    this.myStatus = status;
    this.changed();
    if (!this.socket.emit('user:status', { status })) {
      await this.call<Profile>('PUT', '/user/status', { status });
    }
  }

  // ---- sending -------------------------------------------------------------------------------

  /** Sends what waits in the outbox, oldest first; stops at the first that cannot go now. */
  private async flush(): Promise<void> {
    if (this.flushing) {
      this.flushAgain = true;
      return;
    }
    this.flushing = true;
    try {
      for (const entry of [...this.outbox]) {
        if (entry.delivery !== 'queued') continue;
        const viaSocket = this.socket.open;
        if (!viaSocket && this.connection.kind !== 'waiting') break; // connecting: the open will flush
        entry.delivery = 'sending';
        this.changed();
        try {
          const body = { chatId: entry.chatId, content: entry.content, clientMessageId: entry.clientMessageId };
          const stored = viaSocket
            ? (await this.socket.request('message:send', body)).data.message as Message
            : await this.call<Message>('POST', '/chat/message', body);
          this.merge(stored);
        } catch (error) {
          const transient = (error as { transient?: boolean }).transient !== false;
          if (transient) {
            entry.delivery = 'queued'; // goes out again on the next open or retry
            break;
          }
          entry.delivery = 'failed';
          entry.failure = error instanceof SocketError || error instanceof ApiError ? error.message : 'Not sent';
          this.outbox.splice(this.outbox.indexOf(entry), 1);
        }
      }
    } finally {
      this.flushing = false;
      this.changed();
      if (this.flushAgain) {
        this.flushAgain = false;
        void this.flush();
      }
    }
  }

  // ---- merging what the server says ------------------------------------------------------------

  /** Adds or updates a stored message; true when it is new here (not a repeat, not our own ack). */
  private merge(message: Message): boolean {
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
    if (entry.delivery) {
      entry.delivery = undefined;
      entry.failure = undefined;
      const queued = this.outbox.indexOf(entry);
      if (queued >= 0) this.outbox.splice(queued, 1);
    }
    thread.entries.set(key, entry);
    this.noteNewest(message);
    const chat = this.chats.get(message.chatId);
    if (chat && (!chat.lastMessage || entry.order >= orderOf(chat.lastMessage))) {
      chat.lastMessage = message;
      chat.lastMessageAt = message.timestamp;
    }
    return !existing;
  }

  private noteNewest(message: Message): void {
    const order = orderOf(message);
    if (!this.newest || order > this.newest.order) this.newest = { order, id: message.id };
  }

  private markDeleted(chatId: string, messageId: string, deletedAt: string): void {
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

  /** Someone read everything up to messageId: our messages up to there show it. */
  private markReadBy(chatId: string, userId: string, messageId: string): void {
    if (userId === this.me.id) {
      const chat = this.chats.get(chatId);
      if (chat) chat.unreadCount = 0; // read on another device
      this.changed();
      return;
    }
    const thread = this.threads.get(chatId);
    const upTo = thread?.byId(messageId)?.order ?? (this.chats.get(chatId)?.lastMessage?.id === messageId ? '~' : null);
    if (!thread || !upTo) return;
    const others = (this.chats.get(chatId)?.participantIds ?? []).filter(id => id !== this.me.id);
    for (const entry of thread.entries.values()) {
      if (entry.senderId !== this.me.id || !entry.id || entry.order > upTo) continue;
      if (!entry.readBy.includes(userId)) entry.readBy.push(userId);
      entry.read = others.length > 0 && others.every(id => entry.readBy.includes(id));
    }
    this.changed();
  }

  private isViewing(chatId: string): boolean {
    return this.openChatId === chatId && document.visibilityState === 'visible';
  }

  /** Tells the others (and our other devices) that we have read up to the newest message. */
  private markReadIfViewing(chatId: string): void {
    if (!this.isViewing(chatId)) return;
    const chat = this.chats.get(chatId);
    if (chat) chat.unreadCount = 0;
    const thread = this.thread(chatId);
    const newest = [...thread.entries.values()]
      .filter(entry => entry.id && entry.senderId !== this.me.id)
      .reduce<Entry | undefined>((a, b) => (!a || b.order > a.order ? b : a), undefined);
    if (newest?.id && newest.id !== thread.lastReadSent) {
      thread.lastReadSent = newest.id;
      const data = { chatId, messageId: newest.id };
      if (!this.socket.emit('message:read', data)) {
        this.call<void>('POST', `/chat/${chatId}/read`, { messageId: newest.id }).catch(() => {
          thread.lastReadSent = null;
        });
      }
    }
    this.changed();
  }

  private becameVisible = (): void => {
    if (this.openChatId) this.markReadIfViewing(this.openChatId);
  };

  // ---- the socket ----------------------------------------------------------------------------

  /** After every (re)connect: everything since the newest message we had, then fresh lists. */
  private async resync(): Promise<void> {
    const since = this.newest?.id;
    try {
      if (since) {
        let after = since;
        for (;;) {
          const result = await this.socket.request('sync', { since: after });
          const messages = result.data.messages as Message[];
          for (const message of messages) this.merge(message);
          if (!result.data.more || messages.length === 0) break;
          after = messages[messages.length - 1].id;
        }
      }
      if (this.myStatus === 'away') this.socket.emit('user:status', { status: 'away' });
      await this.loadChats();
      this.loadProfiles([...this.chats.values()].flatMap(chat => chat.participantIds), true);
      if (this.openChatId && this.thread(this.openChatId).loaded) {
        await this.loadNewest(this.openChatId);
        this.markReadIfViewing(this.openChatId);
      }
    } catch {
      // the next open tries again
    }
    void this.flush();
  }

  private onEvent(frame: Frame): void {
    const data = frame.data ?? {};
    switch (frame.event) {
      case 'message:receive': {
        const message = data.message as Message;
        const fresh = this.merge(message);
        if (!this.chats.has(message.chatId)) this.reloadChatsSoon();
        if (fresh && message.senderId !== this.me.id) {
          this.thread(message.chatId).typing.delete(message.senderId);
          const viewing = this.isViewing(message.chatId);
          if (viewing) {
            this.markReadIfViewing(message.chatId);
          } else {
            const chat = this.chats.get(message.chatId);
            if (chat) chat.unreadCount++;
          }
          const who = this.nameOf(message.senderId);
          announce(viewing && message.content ? `${who}: ${message.content}` : `New message from ${who}`);
        }
        this.changed();
        break;
      }
      case 'message:updated':
        this.merge(data.message as Message);
        this.changed();
        break;
      case 'message:deleted':
        this.markDeleted(data.chatId, data.messageId, data.deletedAt);
        break;
      case 'message:read':
        this.markReadBy(data.chatId, data.userId, data.messageId);
        break;
      case 'user:typing': {
        const thread = this.thread(data.chatId);
        if (data.typing) {
          thread.typing.set(data.userId, Date.now() + TYPING_SHOWN_MS);
          window.setTimeout(() => this.changed(), TYPING_SHOWN_MS + 50);
        } else {
          thread.typing.delete(data.userId);
        }
        this.changed();
        break;
      }
      case 'user:status': {
        const profile = this.profiles.get(data.userId);
        if (profile) {
          profile.status = data.status as Status;
          profile.lastSeen = data.lastSeen ?? profile.lastSeen;
        } else {
          this.loadProfiles([data.userId]);
        }
        this.changed();
        break;
      }
      default:
        break; // an error without a request, or an event newer than this client
    }
  }

  private changed(change: Change = {}): void {
    this.onChange(change);
  }
}
