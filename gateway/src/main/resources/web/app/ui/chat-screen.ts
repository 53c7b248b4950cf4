// The signed-in screen: top bar, connection banner, chat list, conversation, new-chat dialog.
// Built once; every change of the client re-renders it (batched), keyed, so focus, scroll
// position and half-written edits survive.

import type { ParleyClient } from '../client';
import { attr, fill, h, text } from '../lib/dom';
import type { Change } from '../state/inbox';
import { ConnectionBanner } from './banner';
import { ChatList } from './chat-list';
import { Conversation } from './conversation';
import { NewChatDialog } from './new-chat';

export class ChatScreen {
  private readonly shell: HTMLElement;
  private readonly meName: HTMLElement;
  private readonly meDot: HTMLElement;
  private readonly statusSelect: HTMLSelectElement;
  private readonly banner: ConnectionBanner;
  private readonly chatList: ChatList;
  private readonly conversation: Conversation;
  private readonly dialog: NewChatDialog;
  private pending: Change | null = null;

  constructor(root: HTMLElement, private readonly client: ParleyClient, private readonly signOut: () => void) {
    this.meName = h('span', { class: 'me-name' }, client.inbox.me.username);
    this.meDot = h('span', { class: 'dot', 'data-status': 'online', 'aria-hidden': 'true' });
    this.statusSelect = h('select', { id: 'my-status' },
      h('option', { value: 'online' }, 'Online'),
      h('option', { value: 'away' }, 'Away'));
    this.statusSelect.addEventListener('change', () => {
      void this.client.setStatus(this.statusSelect.value === 'away' ? 'away' : 'online').catch(() => undefined);
    });
    this.banner = new ConnectionBanner(client);
    this.dialog = new NewChatDialog(client);
    this.chatList = new ChatList(client, this.dialog, () => this.conversation.focusComposer());
    this.conversation = new Conversation(client, {
      rerender: () => this.schedule({}),
      focusChat: chatId => this.chatList.focus(chatId),
    });
    this.shell = h('div', { class: 'shell' },
      this.topBar(),
      this.banner.element,
      h('div', { class: 'panes' }, this.chatList.element, this.conversation.element),
      this.dialog.element);
    fill(root, this.shell);

    client.inbox.onChange = change => this.schedule(change);
    this.schedule({});
  }

  destroy(): void {
    this.banner.destroy();
    this.dialog.close();
  }

  private topBar(): HTMLElement {
    const signOutButton = h('button', { type: 'button', class: 'quiet', onclick: () => this.signOut() }, 'Sign out');
    return h('header', { class: 'topbar' },
      h('p', { class: 'brand' }, 'Parley'),
      h('div', { class: 'me' }, this.meDot, h('span', { class: 'sr-only' }, 'Signed in as '), this.meName),
      h('label', { class: 'status-picker' }, h('span', { class: 'sr-only' }, 'My status'), this.statusSelect),
      signOutButton);
  }

  private schedule(change: Change): void {
    if (this.pending) {
      this.pending.scrollToEnd ||= change.scrollToEnd;
      this.pending.prepended ||= change.prepended;
      return;
    }
    this.pending = { ...change };
    queueMicrotask(() => {
      const what = this.pending ?? {};
      this.pending = null;
      this.render(what);
    });
  }

  private render(change: Change): void {
    const inbox = this.client.inbox;
    const me = inbox.profiles.get(inbox.me.id);
    attr(this.meDot, 'data-status', inbox.myStatus);
    if (this.statusSelect.value !== inbox.myStatus) this.statusSelect.value = inbox.myStatus;
    if (me) text(this.meName, me.username);
    this.banner.render();
    this.chatList.render();
    this.conversation.render(change);
    this.shell.classList.toggle('conversation-open', inbox.openChatId !== null);
  }
}
