// The chat list: every chat, newest activity first, with its preview, presence and unread count.

import type { ParleyClient } from '../client';
import { attr, fill, h, reconcile } from '../lib/dom';
import type { Chat, Message } from '../lib/model';
import { shortWhen } from '../lib/time';
import type { Entry } from '../state/thread';
import { initial } from './avatar';
import type { NewChatDialog } from './new-chat';

export class ChatList {
  readonly element: HTMLElement;
  private readonly list = h('ul', { class: 'chat-list', id: 'chat-list' });
  private readonly empty = h('p', { class: 'empty' }, 'No chats yet. Start one with “New chat”.');

  /** `opened` runs once a chat chosen here is open (the conversation takes the focus). */
  constructor(private readonly client: ParleyClient, dialog: NewChatDialog, private readonly opened: () => void) {
    const newChat = h('button', { type: 'button', class: 'primary', id: 'new-chat' }, 'New chat');
    newChat.addEventListener('click', () => dialog.open(newChat));
    this.element = h('nav', { class: 'sidebar', 'aria-labelledby': 'chats-title' },
      h('div', { class: 'sidebar-head' }, h('h1', { id: 'chats-title' }, 'Chats'), newChat),
      this.list, this.empty);
  }

  render(): void {
    const chats = this.client.inbox.sortedChats();
    attr(this.empty, 'hidden', chats.length > 0);
    reconcile(this.list, chats, chat => chat.id, chat => {
      const button = h('button', { type: 'button', class: 'chat-item' });
      button.addEventListener('click', () => {
        void this.client.openChat(chat.id).then(() => this.opened());
      });
      return h('li', {}, button);
    }, (li, chat) => this.renderItem(li.firstElementChild as HTMLButtonElement, chat));
  }

  /** Back from a conversation, the focus goes to its chat in the list. */
  focus(chatId: string | null): void {
    this.list.querySelector<HTMLElement>(`[data-key="${chatId}"] button`)?.focus();
  }

  private renderItem(button: HTMLButtonElement, chat: Chat): void {
    const inbox = this.client.inbox;
    const name = inbox.chatName(chat);
    const partner = chat.type === 'direct' ? inbox.partner(chat) : undefined;
    const preview = inbox.preview(chat);
    const typing = inbox.typingIn(chat.id);
    const previewText = typing.length ? 'typing…' : preview ? this.previewOf(preview) : 'No messages yet';
    const when = preview && 'timestamp' in preview && preview.timestamp ? shortWhen(preview.timestamp) : '';
    const signature = JSON.stringify([name, partner?.status, previewText, when, chat.unreadCount, inbox.openChatId === chat.id]);
    attr(button, 'aria-current', inbox.openChatId === chat.id ? 'true' : null);
    if (button.dataset.signature === signature) return;
    button.dataset.signature = signature;
    fill(button,
      h('span', { class: 'avatar', 'aria-hidden': 'true' }, initial(name),
        partner ? h('span', { class: 'dot', 'data-status': partner.status }) : null),
      h('span', { class: 'chat-text' },
        h('span', { class: 'chat-name' }, name,
          partner ? h('span', { class: 'sr-only' }, `, ${partner.status}`) : null),
        h('span', { class: `chat-preview${typing.length ? ' is-typing' : ''}` }, previewText)),
      h('span', { class: 'chat-meta' },
        when ? h('span', { class: 'chat-time' }, when) : null,
        chat.unreadCount > 0
          ? h('span', { class: 'badge' }, String(chat.unreadCount), h('span', { class: 'sr-only' }, ' unread'))
          : null));
  }

  private previewOf(message: Entry | Message): string {
    const mine = message.senderId === this.client.inbox.me.id ? 'You: ' : '';
    if (message.deletedAt) return `${mine}Message deleted`;
    if (message.contentError) return `${mine}Message cannot be shown`;
    if (message.type !== 'text') return `${mine}📎 ${message.attachment?.name ?? 'Attachment'}`;
    return mine + (message.content ?? '').split('\n')[0];
  }
}
