// The signed-in screen: top bar, connection banner, chat list, conversation, new-chat dialog.
// Built once; every change of the client re-renders it (batched), keyed, so focus, scroll
// position and half-written edits survive.

import type { Change, Entry, ParleyClient } from '../client';
import { explain } from '../lib/api';
import { attr, fill, h, reconcile, text } from '../lib/dom';
import type { Chat, Message, Profile } from '../lib/model';
import { clock, dayKey, dayLabel, lastSeen, shortWhen } from '../lib/time';
import { NewChatDialog } from './new-chat';

type Row = { key: string; day: string } | { key: string; entry: Entry };

const NEAR_BOTTOM_PX = 80;
const NEAR_TOP_PX = 120;

export class ChatScreen {
  private readonly shell: HTMLElement;
  private readonly meName: HTMLElement;
  private readonly meDot: HTMLElement;
  private readonly statusSelect: HTMLSelectElement;
  private readonly banner: HTMLElement;
  private readonly list: HTMLUListElement;
  private readonly listEmpty: HTMLElement;
  private readonly emptyConversation: HTMLElement;
  private readonly conversation: HTMLElement;
  private readonly title: HTMLElement;
  private readonly subtitle: HTMLElement;
  private readonly avatar: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly edge: HTMLElement;
  private readonly messages: HTMLOListElement;
  private readonly typing: HTMLElement;
  private readonly composer: HTMLTextAreaElement;
  private readonly composerError: HTMLElement;
  private readonly dialog: NewChatDialog;

  private pending: Change | null = null;
  private shownChatId: string | null = null;
  private readonly drafts = new Map<string, string>();
  private editing: string | null = null;
  private confirmingDelete: string | null = null;
  private hadTrouble = false;
  private bannerState = '';
  private countdown = 0;

  constructor(root: HTMLElement, private readonly client: ParleyClient, private readonly signOut: () => void) {
    this.meName = h('span', { class: 'me-name' }, client.me.username);
    this.meDot = h('span', { class: 'dot', 'data-status': 'online', 'aria-hidden': 'true' });
    this.statusSelect = h('select', { id: 'my-status' },
      h('option', { value: 'online' }, 'Online'),
      h('option', { value: 'away' }, 'Away'));
    this.statusSelect.addEventListener('change', () => {
      void this.client.setStatus(this.statusSelect.value === 'away' ? 'away' : 'online').catch(() => undefined);
    });
    const signOutButton = h('button', { type: 'button', class: 'quiet', onclick: () => this.signOut() }, 'Sign out');
    this.banner = h('div', { class: 'banner', role: 'status', hidden: true });

    this.list = h('ul', { class: 'chat-list', id: 'chat-list' });
    this.listEmpty = h('p', { class: 'empty' }, 'No chats yet. Start one with “New chat”.');
    this.dialog = new NewChatDialog(client);
    const newChat = h('button', { type: 'button', class: 'primary', id: 'new-chat' }, 'New chat');
    newChat.addEventListener('click', () => this.dialog.open(newChat));

    this.avatar = h('span', { class: 'avatar', 'aria-hidden': 'true' });
    this.title = h('h2', { id: 'conversation-title' });
    this.subtitle = h('p', { class: 'subtitle', id: 'conversation-subtitle' });
    const back = h('button', { type: 'button', class: 'back', 'aria-label': 'Back to chats' }, '‹');
    back.addEventListener('click', () => {
      const chatId = this.client.openChatId;
      void this.client.openChat(null);
      queueMicrotask(() => this.list.querySelector<HTMLElement>(`[data-key="${chatId}"] button`)?.focus());
    });
    this.edge = h('div', { class: 'history-edge' });
    this.messages = h('ol', { class: 'message-list', 'aria-labelledby': 'conversation-title' });
    this.scroller = h('div', { class: 'messages', tabindex: '0', 'aria-label': 'Messages' }, this.edge, this.messages);
    this.scroller.addEventListener('scroll', () => {
      if (this.scroller.scrollTop < NEAR_TOP_PX && this.client.openChatId) {
        void this.client.loadOlder(this.client.openChatId).catch(() => undefined);
      }
    }, { passive: true });
    this.typing = h('p', { class: 'typing', 'aria-live': 'polite' });
    this.composer = h('textarea', {
      id: 'composer', rows: '1', maxlength: '4096', placeholder: 'Write a message', enterkeyhint: 'send',
      'aria-describedby': 'composer-help',
    });
    this.composerError = h('p', { class: 'form-error', role: 'alert' });
    const composerForm = h('form', { class: 'composer' },
      h('label', { for: 'composer', class: 'sr-only' }, 'Message'),
      this.composer,
      h('button', { type: 'submit', class: 'primary send' }, 'Send'),
      h('p', { id: 'composer-help', class: 'sr-only' }, 'Enter sends, Shift+Enter starts a new line.'),
      this.composerError);
    composerForm.addEventListener('submit', event => {
      event.preventDefault();
      this.sendDraft();
    });
    this.composer.addEventListener('keydown', event => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.sendDraft();
      }
    });
    this.composer.addEventListener('input', () => {
      this.grow();
      if (this.client.openChatId) {
        this.drafts.set(this.client.openChatId, this.composer.value);
        this.client.typing(this.client.openChatId, this.composer.value.trim().length > 0);
      }
    });

    this.emptyConversation = h('div', { class: 'no-conversation' },
      h('p', {}, 'Choose a chat, or start a new one.'));
    this.conversation = h('div', { class: 'conversation-body', hidden: true },
      h('header', { class: 'conversation-head' }, back, this.avatar,
        h('div', { class: 'conversation-names' }, this.title, this.subtitle)),
      this.scroller, this.typing, composerForm);

    this.shell = h('div', { class: 'shell' },
      h('header', { class: 'topbar' },
        h('p', { class: 'brand' }, 'Parley'),
        h('div', { class: 'me' }, this.meDot, h('span', { class: 'sr-only' }, 'Signed in as '), this.meName),
        h('label', { class: 'status-picker' }, h('span', { class: 'sr-only' }, 'My status'), this.statusSelect),
        signOutButton),
      this.banner,
      h('div', { class: 'panes' },
        h('nav', { class: 'sidebar', 'aria-labelledby': 'chats-title' },
          h('div', { class: 'sidebar-head' }, h('h1', { id: 'chats-title' }, 'Chats'), newChat),
          this.list, this.listEmpty),
        h('section', { class: 'conversation', 'aria-labelledby': 'conversation-title' },
          this.emptyConversation, this.conversation)),
      this.dialog.element);
    fill(root, this.shell);

    client.onChange = change => this.schedule(change);
    this.schedule({});
  }

  destroy(): void {
    window.clearInterval(this.countdown);
    this.dialog.close();
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
    const client = this.client;
    const me = client.profiles.get(client.me.id);
    attr(this.meDot, 'data-status', client.myStatus);
    if (this.statusSelect.value !== client.myStatus) this.statusSelect.value = client.myStatus;
    if (me) text(this.meName, me.username);
    this.renderBanner();
    this.renderList();
    this.renderConversation(change);
    this.shell.classList.toggle('conversation-open', client.openChatId !== null);
  }

  // ---- connection ----------------------------------------------------------------------------

  private renderBanner(): void {
    const connection = this.client.connection;
    if (connection.kind === 'open') {
      window.clearInterval(this.countdown);
      if (this.hadTrouble) {
        this.hadTrouble = false;
        this.bannerState = '';
        attr(this.banner, 'hidden', true);
        fill(this.banner);
      }
      return;
    }
    if (connection.kind === 'connecting' && !this.hadTrouble) return; // the first connect shows nothing
    this.hadTrouble = true;
    const waiting = this.waitingMessages();
    const state = `${connection.kind}|${connection.kind === 'waiting' ? connection.retryAt : ''}|${waiting}`;
    if (state === this.bannerState) return; // unchanged: keep the button (and its focus)
    this.bannerState = state;
    window.clearInterval(this.countdown);
    attr(this.banner, 'hidden', false);
    attr(this.banner, 'data-kind', connection.kind);
    const outbox = waiting > 0 ? ` ${waiting === 1 ? 'One message waits' : `${waiting} messages wait`} to be sent.` : '';
    if (connection.kind === 'offline') {
      fill(this.banner, h('span', {}, `You are offline. Messages you write are sent when you are back.${outbox}`));
    } else if (connection.kind === 'connecting') {
      fill(this.banner, h('span', {}, `Reconnecting…${outbox}`));
    } else {
      // the seconds tick outside what screen readers hear: the live region says it once
      const seconds = h('span', { 'aria-hidden': 'true' });
      const tick = () => {
        const left = Math.max(0, Math.ceil((connection.retryAt - Date.now()) / 1000));
        text(seconds, left > 0 ? ` (next try in ${left} s)` : '');
      };
      tick();
      this.countdown = window.setInterval(tick, 1000);
      fill(this.banner, h('span', {}, `Connection lost. Reconnecting…${outbox}`), seconds,
        h('button', { type: 'button', class: 'link', onclick: () => this.client.retryConnection() }, 'Retry now'));
    }
  }

  private waitingMessages(): number {
    let count = 0;
    for (const thread of this.client.threads.values()) {
      for (const entry of thread.entries.values()) if (entry.delivery === 'queued' || entry.delivery === 'sending') count++;
    }
    return count;
  }

  // ---- chat list -----------------------------------------------------------------------------

  private renderList(): void {
    const chats = this.client.sortedChats();
    attr(this.listEmpty, 'hidden', chats.length > 0);
    reconcile(this.list, chats, chat => chat.id, chat => {
      const button = h('button', { type: 'button', class: 'chat-item' });
      button.addEventListener('click', () => {
        void this.client.openChat(chat.id).then(() => this.composer.focus());
      });
      return h('li', {}, button);
    }, (li, chat) => this.renderChatItem(li.firstElementChild as HTMLButtonElement, chat));
  }

  private renderChatItem(button: HTMLButtonElement, chat: Chat): void {
    const client = this.client;
    const name = client.chatName(chat);
    const partner = chat.type === 'direct' ? client.partner(chat) : undefined;
    const preview = client.preview(chat);
    const typing = client.typingIn(chat.id);
    const previewText = typing.length ? 'typing…' : preview ? this.previewOf(preview) : 'No messages yet';
    const when = preview && 'timestamp' in preview && preview.timestamp ? shortWhen(preview.timestamp) : '';
    const signature = JSON.stringify([name, partner?.status, previewText, when, chat.unreadCount, client.openChatId === chat.id]);
    attr(button, 'aria-current', client.openChatId === chat.id ? 'true' : null);
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
    const mine = message.senderId === this.client.me.id ? 'You: ' : '';
    if (message.deletedAt) return `${mine}Message deleted`;
    if (message.contentError) return `${mine}Message cannot be shown`;
    if (message.type !== 'text') return `${mine}📎 ${message.attachment?.name ?? 'Attachment'}`;
    return mine + (message.content ?? '').split('\n')[0];
  }

  // ---- conversation --------------------------------------------------------------------------

  private renderConversation(change: Change): void {
    const client = this.client;
    const chatId = client.openChatId;
    const chat = chatId ? client.chats.get(chatId) : undefined;
    attr(this.emptyConversation, 'hidden', !!chat);
    attr(this.conversation, 'hidden', !chat);
    if (!chat || !chatId) {
      this.shownChatId = null;
      return;
    }
    const switched = this.shownChatId !== chatId;
    if (switched) {
      this.shownChatId = chatId;
      this.editing = null;
      this.confirmingDelete = null;
      this.composer.value = this.drafts.get(chatId) ?? '';
      this.composerError.textContent = '';
      this.grow();
    }
    const name = client.chatName(chat);
    text(this.title, name);
    text(this.avatar, initial(name));
    text(this.subtitle, this.subtitleOf(chat));
    attr(this.composer, 'placeholder', `Message ${name}`);
    const typing = client.typingIn(chatId);
    text(this.typing, typing.length === 0 ? ''
      : typing.length === 1 ? `${typing[0]} is typing…` : `${typing.slice(0, -1).join(', ')} and ${typing[typing.length - 1]} are typing…`);

    const thread = client.thread(chatId);
    if (!thread.loaded) {
      fill(this.edge, h('p', { class: 'muted' }, 'Loading messages…'));
    } else if (thread.hasOlder) {
      if (!this.edge.querySelector('button')) {
        fill(this.edge, h('button', {
          type: 'button', class: 'link', onclick: () => void client.loadOlder(chatId).catch(() => undefined),
        }, 'Load older messages'));
      }
      attr(this.edge.querySelector('button')!, 'aria-busy', thread.loadingOlder ? 'true' : null);
    } else {
      fill(this.edge, h('p', { class: 'muted' }, 'This is the start of the conversation.'));
    }

    const fromBottom = this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight;
    const rows: Row[] = [];
    let lastDay = '';
    for (const entry of thread.sorted()) {
      const when = entry.timestamp ?? new Date().toISOString();
      const day = dayKey(when);
      if (day !== lastDay) {
        rows.push({ key: `day:${day}`, day: dayLabel(when) });
        lastDay = day;
      }
      rows.push({ key: `m:${entry.key}`, entry });
    }
    reconcile(this.messages, rows, row => row.key,
      row => ('day' in row ? h('li', { class: 'day', role: 'separator' }) : h('li', { class: 'msg' })),
      (li, row) => ('day' in row ? text(li, row.day) : this.renderMessage(li, row.entry, chat)));

    if (switched || change.scrollToEnd || fromBottom < NEAR_BOTTOM_PX) {
      this.scroller.scrollTop = this.scroller.scrollHeight;
    } else if (change.prepended) {
      this.scroller.scrollTop = this.scroller.scrollHeight - this.scroller.clientHeight - fromBottom;
    }
    // a first page that does not fill the screen cannot be scrolled up: fetch more right away
    if (thread.loaded && thread.hasOlder && !thread.loadingOlder && this.scroller.scrollHeight <= this.scroller.clientHeight) {
      void client.loadOlder(chatId).catch(() => undefined);
    }
  }

  private subtitleOf(chat: Chat): string {
    if (chat.type === 'group') {
      const me = this.client.me.id;
      const names = chat.participantIds.filter(id => id !== me).map(id => this.client.nameOf(id));
      return `${chat.participantIds.length} members: ${[...names, 'You'].join(', ')}`;
    }
    const partner: Profile | undefined = this.client.partner(chat);
    if (!partner) return '';
    if (partner.status === 'online') return 'online';
    if (partner.status === 'away') return 'away';
    return lastSeen(partner.lastSeen);
  }

  private renderMessage(li: HTMLElement, entry: Entry, chat: Chat): void {
    const mine = entry.senderId === this.client.me.id;
    const delivery = mine ? this.deliveryOf(entry, chat) : null;
    const editing = this.editing === entry.key && !!entry.id && !entry.deletedAt;
    const confirming = this.confirmingDelete === entry.key;
    const signature = JSON.stringify([entry.content, entry.editedAt, entry.deletedAt, entry.contentError, entry.timestamp,
      delivery, editing, confirming, chat.type === 'group' ? this.client.nameOf(entry.senderId) : '']);
    li.className = `msg ${mine ? 'mine' : 'theirs'}${entry.deletedAt ? ' deleted' : ''}`;
    attr(li, 'data-delivery', delivery ? delivery.state : null);
    if (li.dataset.signature === signature) return;
    li.dataset.signature = signature;

    const author = this.client.nameOf(entry.senderId);
    const body = editing ? this.editor(entry) : this.contentOf(entry);
    const meta = h('p', { class: 'meta' },
      entry.timestamp ? h('time', { datetime: entry.timestamp }, clock(entry.timestamp)) : null,
      entry.editedAt && !entry.deletedAt ? h('span', { class: 'edited' }, 'edited') : null,
      delivery ? h('span', { class: 'delivery' }, delivery.label) : null);
    const actions = h('div', { class: 'actions' });
    if (mine && entry.delivery === 'failed') {
      actions.append(h('button', { type: 'button', class: 'link', onclick: () => this.client.retry(entry) }, 'Retry'));
    }
    if (mine && entry.id && !entry.deletedAt && entry.type === 'text' && !editing) {
      if (confirming) {
        actions.append(
          h('span', {}, 'Delete this message?'),
          h('button', {
            type: 'button', class: 'link danger', onclick: () => {
              this.confirmingDelete = null;
              void this.client.remove(entry).catch(error => this.showError(explain(error)));
            },
          }, 'Delete'),
          h('button', { type: 'button', class: 'link', onclick: () => this.setConfirming(null) }, 'Keep'));
      } else {
        actions.append(
          h('button', { type: 'button', class: 'link', 'aria-label': 'Edit message', onclick: () => this.setEditing(entry.key) }, 'Edit'),
          h('button', { type: 'button', class: 'link', 'aria-label': 'Delete message', onclick: () => this.setConfirming(entry.key) }, 'Delete'));
      }
    }
    // own messages can be focused (a tap on a phone, Tab on a keyboard), which shows their actions
    const focusable = mine && actions.childElementCount > 0 && !editing;
    fill(li, h('div', { class: 'bubble', tabindex: focusable ? '0' : null },
      h('p', { class: chat.type === 'group' && !mine ? 'author' : 'author sr-only' }, author),
      body, meta), actions.childElementCount ? actions : null);
    if (editing) queueMicrotask(() => li.querySelector('textarea')?.focus());
  }

  private contentOf(entry: Entry): HTMLElement {
    if (entry.deletedAt) return h('p', { class: 'text muted' }, 'Message deleted');
    if (entry.contentError) return h('p', { class: 'text muted' }, 'This message cannot be shown.');
    if (entry.type !== 'text') {
      const url = entry.content ?? '';
      const label = `📎 ${entry.attachment?.name ?? 'Attachment'}`;
      return url.startsWith('https://')
        ? h('p', { class: 'text' }, h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, label))
        : h('p', { class: 'text' }, label);
    }
    return h('p', { class: 'text' }, entry.content ?? ''); // always text, never markup
  }

  private deliveryOf(entry: Entry, chat: Chat): { state: string; label: string } {
    if (entry.delivery === 'failed') return { state: 'failed', label: `Not sent${entry.failure ? `: ${entry.failure}` : ''}` };
    if (entry.delivery === 'sending') return { state: 'sending', label: 'Sending…' };
    if (entry.delivery === 'queued') {
      const kind = this.client.connection.kind;
      return kind === 'open' || kind === 'connecting'
        ? { state: 'sending', label: 'Sending…' }
        : { state: 'queued', label: 'Waiting for connection' };
    }
    if (entry.read) return { state: 'read', label: 'Read' };
    if (chat.type === 'group' && entry.readBy.length > 0) return { state: 'read-some', label: `Read by ${entry.readBy.length}` };
    return { state: 'sent', label: 'Sent' };
  }

  private editor(entry: Entry): HTMLElement {
    const field = h('textarea', { class: 'edit-field', 'aria-label': 'Edit message', maxlength: '4096' });
    field.value = entry.content ?? '';
    const save = () => {
      const value = field.value;
      this.setEditing(null);
      void this.client.edit(entry, value).catch(error => this.showError(explain(error)));
    };
    field.addEventListener('keydown', event => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        save();
      } else if (event.key === 'Escape') {
        event.preventDefault();
        this.setEditing(null);
        this.composer.focus();
      }
    });
    return h('div', { class: 'editor' }, field,
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'link', onclick: save }, 'Save'),
        h('button', { type: 'button', class: 'link', onclick: () => this.setEditing(null) }, 'Cancel')));
  }

  private setEditing(key: string | null): void {
    this.editing = key;
    this.confirmingDelete = null;
    this.schedule({});
  }

  private setConfirming(key: string | null): void {
    this.confirmingDelete = key;
    this.schedule({});
  }

  private sendDraft(): void {
    const chatId = this.client.openChatId;
    if (!chatId) return;
    const problem = this.client.send(chatId, this.composer.value);
    this.composerError.textContent = problem ?? '';
    if (problem) return;
    this.composer.value = '';
    this.drafts.delete(chatId);
    this.grow();
    this.composer.focus();
  }

  private showError(message: string): void {
    this.composerError.textContent = message;
  }

  private grow(): void {
    this.composer.style.height = 'auto';
    this.composer.style.height = `${Math.min(this.composer.scrollHeight, 160)}px`;
  }
}

function initial(name: string): string {
  return (name.trim()[0] ?? '?').toUpperCase();
}
