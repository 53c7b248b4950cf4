// The signed-in user's client: the inbox the views read (state/inbox.ts), and everything they can
// do, each handed to the part of state/ that does it. The views never talk to the network themselves.

import type { Chat, Message, Profile } from './lib/model';
import type { Session } from './lib/session';
import { ChatSocket } from './lib/socket';
import { LiveEvents } from './state/events';
import { Inbox } from './state/inbox';
import { Outbox } from './state/outbox';
import { People } from './state/people';
import { ReadReceipts } from './state/receipts';
import { Sync } from './state/sync';
import type { Entry } from './state/thread';
import { TypingSignal } from './state/typing';

const MAX_CONTENT_BYTES = 4096;

function trimmed(text: string): string {
  return text.replace(/^\s+|\s+$/g, '');
}

export class ParleyClient {
  readonly inbox: Inbox;
  private readonly socket: ChatSocket;
  private readonly people: People;
  private readonly receipts: ReadReceipts;
  private readonly outbox: Outbox;
  private readonly sync: Sync;
  private readonly typingSignal: TypingSignal;

  constructor(private readonly session: Session) {
    this.inbox = new Inbox(session.account!);
    this.socket = new ChatSocket(() => session.token(), () => session.renew());
    this.people = new People(this.inbox, session, this.socket);
    this.receipts = new ReadReceipts(this.inbox, session, this.socket);
    this.outbox = new Outbox(this.inbox, session, this.socket);
    this.sync = new Sync(this.inbox, session, this.socket, this.people, this.receipts);
    this.typingSignal = new TypingSignal(this.socket);
    const events = new LiveEvents(this.inbox, this.sync, this.people, this.receipts);
    this.socket.onEvent = frame => events.apply(frame);
    this.socket.onOpen = () => void this.sync.catchUp().then(() => this.outbox.flush());
    this.socket.onConnection = connection => {
      this.inbox.connection = connection;
      if (connection.kind === 'waiting') void this.outbox.flush(); // the socket failed: the REST fallback may still work
      this.inbox.changed();
    };
    document.addEventListener('visibilitychange', this.becameVisible);
  }

  start(): void {
    void this.people.loadMe();
    void this.sync.loadChats().catch(() => undefined); // the socket's first open loads them again
    this.socket.start();
  }

  stop(): void {
    this.socket.stop();
    document.removeEventListener('visibilitychange', this.becameVisible);
    this.typingSignal.stop(); // the socket is closed: this only ends the idle timer
  }

  retryConnection(): void {
    this.socket.retryNow();
  }

  async openChat(chatId: string | null): Promise<void> {
    this.typingSignal.stop();
    this.inbox.openChatId = chatId;
    this.inbox.changed({ scrollToEnd: true });
    if (!chatId) return;
    if (!this.inbox.thread(chatId).loaded) await this.sync.loadNewest(chatId).catch(() => undefined);
    this.receipts.markReadIfViewing(chatId);
  }

  loadOlder(chatId: string): Promise<void> {
    return this.sync.loadOlder(chatId);
  }

  /** Queues a message; it goes out over the socket, or over REST while the socket cannot connect. */
  send(chatId: string, text: string): string | null {
    const content = trimmed(text);
    if (!content) return null;
    if (new TextEncoder().encode(content).length > MAX_CONTENT_BYTES) return 'That message is too long (4 KB at most).';
    this.outbox.add(chatId, content);
    this.typingSignal.stop();
    this.inbox.changed({ scrollToEnd: true });
    void this.outbox.flush();
    return null;
  }

  retry(entry: Entry): void {
    this.outbox.retry(entry);
  }

  async edit(entry: Entry, text: string): Promise<void> {
    const content = trimmed(text);
    if (!entry.id || !content || content === entry.content) return;
    this.inbox.merge(await this.session.call<Message>('PATCH', `/chat/message/${entry.id}`, { content }));
    this.inbox.changed();
  }

  async remove(entry: Entry): Promise<void> {
    if (!entry.id) return;
    await this.session.call<void>('DELETE', `/chat/message/${entry.id}`);
    this.inbox.markDeleted(entry.chatId, entry.id, new Date().toISOString());
  }

  typing(chatId: string, hasText: boolean): void {
    this.typingSignal.typing(chatId, hasText);
  }

  setStatus(status: 'online' | 'away'): Promise<void> {
    return this.people.setStatus(status);
  }

  searchPeople(prefix: string): Promise<Profile[]> {
    return this.people.search(prefix);
  }

  async startDirectChat(userId: string): Promise<string> {
    return this.created(await this.session.call<Chat>('POST', '/chat', { participantIds: [userId] }));
  }

  async createGroup(name: string, userIds: string[]): Promise<string> {
    return this.created(await this.session.call<Chat>('POST', '/chat', { participantIds: userIds, name }));
  }

  private created(chat: Chat): string {
    this.inbox.chats.set(chat.id, { ...this.inbox.chats.get(chat.id), ...chat });
    this.people.load(chat.participantIds);
    void this.openChat(chat.id);
    return chat.id;
  }

  private becameVisible = (): void => {
    if (this.inbox.openChatId) this.receipts.markReadIfViewing(this.inbox.openChatId);
  };
}
