// Own messages on their way out: queued when written, sent oldest first over the socket, or over
// REST while the socket cannot connect. Each keeps its clientMessageId through every try, so the
// server stores it once however often it goes out.

import { ApiError } from '../lib/api';
import type { Message } from '../lib/model';
import type { Session } from '../lib/session';
import { ChatSocket, SocketError } from '../lib/socket';
import type { Inbox } from './inbox';
import { Entry, keyOf } from './thread';

/** 128 random bits as hex: a clientMessageId (crypto.randomUUID needs a secure context; this does not). */
function newClientMessageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}

export class Outbox {
  private localSequence = 0;
  private flushing = false;
  private flushAgain = false;

  constructor(private readonly inbox: Inbox, private readonly session: Session, private readonly socket: ChatSocket) {}

  /** Puts a new message at the end of its thread and of the queue; `flush` sends it. */
  add(chatId: string, content: string): void {
    const me = this.inbox.me.id;
    const clientMessageId = newClientMessageId();
    const entry: Entry = {
      key: keyOf(me, clientMessageId), chatId, senderId: me, type: 'text', content, clientMessageId,
      read: false, readBy: [], order: `~${String(++this.localSequence).padStart(8, '0')}`, delivery: 'queued',
    };
    this.inbox.thread(chatId).entries.set(entry.key, entry);
    this.inbox.unsent.push(entry);
  }

  /** A failed message again, with the same clientMessageId: never stored twice. */
  retry(entry: Entry): void {
    if (entry.delivery !== 'failed') return;
    entry.delivery = 'queued';
    entry.failure = undefined;
    if (!this.inbox.unsent.includes(entry)) this.inbox.unsent.push(entry);
    this.inbox.changed();
    void this.flush();
  }

  /** Sends what waits in the outbox, oldest first; stops at the first that cannot go now. */
  async flush(): Promise<void> {
    if (this.flushing) {
      this.flushAgain = true;
      return;
    }
    this.flushing = true;
    try {
      for (const entry of [...this.inbox.unsent]) {
        if (entry.delivery !== 'queued') continue;
        const viaSocket = this.socket.open;
        if (!viaSocket && this.inbox.connection.kind !== 'waiting') break; // connecting: the open will flush
        if (!(await this.deliver(entry, viaSocket))) break;
      }
    } finally {
      this.flushing = false;
      this.inbox.changed();
      if (this.flushAgain) {
        this.flushAgain = false;
        void this.flush();
      }
    }
  }

  /** One message out; false when it has to wait, and the ones after it with it. */
  private async deliver(entry: Entry, viaSocket: boolean): Promise<boolean> {
    entry.delivery = 'sending';
    this.inbox.changed();
    try {
      const body = { chatId: entry.chatId, content: entry.content, clientMessageId: entry.clientMessageId };
      const stored = viaSocket
        ? (await this.socket.request('message:send', body)).data.message as Message
        : await this.session.call<Message>('POST', '/chat/message', body);
      this.inbox.merge(stored);
    } catch (error) {
      const transient = (error as { transient?: boolean }).transient !== false;
      if (transient) {
        entry.delivery = 'queued'; // goes out again on the next open or retry
        return false;
      }
      entry.delivery = 'failed';
      entry.failure = error instanceof SocketError || error instanceof ApiError ? error.message : 'Not sent';
      this.inbox.unsent.splice(this.inbox.unsent.indexOf(entry), 1);
    }
    return true;
  }
}
