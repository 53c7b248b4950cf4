// What the server tells us live over the socket (docs/websocket-protocol.md), merged into the inbox.

import { announce } from '../lib/dom';
import type { Frame, Message, Status } from '../lib/model';
import type { Inbox } from './inbox';
import type { People } from './people';
import type { ReadReceipts } from './receipts';
import type { Sync } from './sync';

const TYPING_SHOWN_MS = 6_000;

export class LiveEvents {
  constructor(private readonly inbox: Inbox, private readonly sync: Sync, private readonly people: People,
              private readonly receipts: ReadReceipts) {}

  apply(frame: Frame): void {
    const data = frame.data ?? {};
    switch (frame.event) {
      case 'message:receive':
        this.received(data.message as Message);
        break;
      case 'message:updated':
        this.inbox.merge(data.message as Message);
        this.inbox.changed();
        break;
      case 'message:deleted':
        this.inbox.markDeleted(data.chatId, data.messageId, data.deletedAt);
        break;
      case 'message:read':
        this.receipts.markReadBy(data.chatId, data.userId, data.messageId);
        break;
      case 'user:typing':
        this.typing(data.chatId, data.userId, data.typing);
        break;
      case 'user:status':
        this.status(data.userId, data.status as Status, data.lastSeen);
        break;
      default:
        break; // an error without a request, or an event newer than this client
    }
  }

  private received(message: Message): void {
    const inbox = this.inbox;
    const fresh = inbox.merge(message);
    this.sync.noteLive(message);
    if (!inbox.chats.has(message.chatId)) this.sync.reloadChatsSoon();
    if (fresh && message.senderId !== inbox.me.id) {
      inbox.thread(message.chatId).typing.delete(message.senderId);
      const viewing = inbox.isViewing(message.chatId);
      if (viewing) {
        this.receipts.markReadIfViewing(message.chatId);
      } else {
        const chat = inbox.chats.get(message.chatId);
        if (chat) chat.unreadCount++;
      }
      const who = inbox.nameOf(message.senderId);
      announce(viewing && message.content ? `${who}: ${message.content}` : `New message from ${who}`);
    }
    inbox.changed();
  }

  private typing(chatId: string, userId: string, typing: boolean): void {
    const thread = this.inbox.thread(chatId);
    if (typing) {
      thread.typing.set(userId, Date.now() + TYPING_SHOWN_MS);
      // nothing else may change when it runs out: a re-render of its own then
      window.setTimeout(() => this.inbox.changed(), TYPING_SHOWN_MS + 50);
    } else {
      thread.typing.delete(userId);
    }
    this.inbox.changed();
  }

  private status(userId: string, status: Status, lastSeen: string | null | undefined): void {
    const profile = this.inbox.profiles.get(userId);
    if (profile) {
      profile.status = status;
      profile.lastSeen = lastSeen ?? profile.lastSeen;
    } else {
      this.people.load([userId]);
    }
    this.inbox.changed();
  }
}
