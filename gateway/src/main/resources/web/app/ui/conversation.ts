// The open conversation: its header, the history (paged in as it scrolls up), who is typing, and
// the composer, whose half-written drafts are kept per chat.

import type { ParleyClient } from '../client';
import { attr, fill, h, reconcile, text } from '../lib/dom';
import type { Chat, Profile } from '../lib/model';
import { dayKey, dayLabel, lastSeen } from '../lib/time';
import type { Change } from '../state/inbox';
import type { Entry, Thread } from '../state/thread';
import { initial } from './avatar';
import { MessageBubbles } from './message-bubbles';

type Row = { key: string; day: string } | { key: string; entry: Entry };

const NEAR_BOTTOM_PX = 80;
const NEAR_TOP_PX = 120;

/** What the conversation needs of the screen around it. */
export interface ConversationHost {
  rerender(): void;
  /** Back in the chat list: the focus goes to this chat's item. */
  focusChat(chatId: string | null): void;
}

/** Day separators between the messages, in the reader's own calendar. */
function rowsOf(thread: Thread): Row[] {
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
  return rows;
}

function typingLine(names: string[]): string {
  return names.length === 0 ? ''
    : names.length === 1 ? `${names[0]} is typing…` : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} are typing…`;
}

export class Conversation {
  readonly element: HTMLElement;
  private readonly placeholder = h('div', { class: 'no-conversation' }, h('p', {}, 'Choose a chat, or start a new one.'));
  private readonly body: HTMLElement;
  private readonly avatar = h('span', { class: 'avatar', 'aria-hidden': 'true' });
  private readonly title = h('h2', { id: 'conversation-title' });
  private readonly subtitle = h('p', { class: 'subtitle', id: 'conversation-subtitle' });
  private readonly edge = h('div', { class: 'history-edge' });
  private readonly messages = h('ol', { class: 'message-list', 'aria-labelledby': 'conversation-title' });
  private readonly scroller = h('div', { class: 'messages', tabindex: '0', 'aria-label': 'Messages' }, this.edge, this.messages);
  private readonly typing = h('p', { class: 'typing', 'aria-live': 'polite' });
  private readonly composer = h('textarea', {
    id: 'composer', rows: '1', maxlength: '4096', placeholder: 'Write a message', enterkeyhint: 'send',
    'aria-describedby': 'composer-help',
  });
  private readonly composerError = h('p', { class: 'form-error', role: 'alert' });
  private readonly bubbles: MessageBubbles;
  private readonly drafts = new Map<string, string>();
  private shownChatId: string | null = null;

  constructor(private readonly client: ParleyClient, private readonly host: ConversationHost) {
    this.bubbles = new MessageBubbles(client, {
      rerender: () => host.rerender(),
      showError: message => this.showError(message),
      focusComposer: () => this.focusComposer(),
    });
    this.scroller.addEventListener('scroll', () => {
      const chatId = this.client.inbox.openChatId;
      if (this.scroller.scrollTop < NEAR_TOP_PX && chatId) void this.client.loadOlder(chatId).catch(() => undefined);
    }, { passive: true });
    this.body = h('div', { class: 'conversation-body', hidden: true },
      this.head(), this.scroller, this.typing, this.composerForm());
    this.element = h('section', { class: 'conversation', 'aria-labelledby': 'conversation-title' }, this.placeholder, this.body);
  }

  focusComposer(): void {
    this.composer.focus();
  }

  render(change: Change): void {
    const inbox = this.client.inbox;
    const chatId = inbox.openChatId;
    const chat = chatId ? inbox.chats.get(chatId) : undefined;
    attr(this.placeholder, 'hidden', !!chat);
    attr(this.body, 'hidden', !chat);
    if (!chat || !chatId) {
      this.shownChatId = null;
      return;
    }
    const switched = this.shownChatId !== chatId;
    if (switched) this.switchTo(chatId);
    this.renderHead(chat, chatId);
    const thread = inbox.thread(chatId);
    this.renderEdge(thread, chatId);
    const fromBottom = this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight;
    reconcile(this.messages, rowsOf(thread), row => row.key,
      row => ('day' in row ? h('li', { class: 'day', role: 'separator' }) : h('li', { class: 'msg' })),
      (li, row) => ('day' in row ? text(li, row.day) : this.bubbles.render(li, row.entry, chat)));
    this.scroll(thread, chatId, switched || !!change.scrollToEnd, !!change.prepended, fromBottom);
  }

  private head(): HTMLElement {
    const back = h('button', { type: 'button', class: 'back', 'aria-label': 'Back to chats' }, '‹');
    back.addEventListener('click', () => {
      const chatId = this.client.inbox.openChatId;
      void this.client.openChat(null);
      queueMicrotask(() => this.host.focusChat(chatId));
    });
    return h('header', { class: 'conversation-head' }, back, this.avatar,
      h('div', { class: 'conversation-names' }, this.title, this.subtitle));
  }

  private composerForm(): HTMLElement {
    const form = h('form', { class: 'composer' },
      h('label', { for: 'composer', class: 'sr-only' }, 'Message'),
      this.composer,
      h('button', { type: 'submit', class: 'primary send' }, 'Send'),
      h('p', { id: 'composer-help', class: 'sr-only' }, 'Enter sends, Shift+Enter starts a new line.'),
      this.composerError);
    form.addEventListener('submit', event => {
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
      const chatId = this.client.inbox.openChatId;
      if (chatId) {
        this.drafts.set(chatId, this.composer.value);
        this.client.typing(chatId, this.composer.value.trim().length > 0);
      }
    });
    return form;
  }

  private switchTo(chatId: string): void {
    this.shownChatId = chatId;
    this.bubbles.reset();
    this.composer.value = this.drafts.get(chatId) ?? '';
    this.composerError.textContent = '';
    this.grow();
  }

  private renderHead(chat: Chat, chatId: string): void {
    const name = this.client.inbox.chatName(chat);
    text(this.title, name);
    text(this.avatar, initial(name));
    text(this.subtitle, this.subtitleOf(chat));
    attr(this.composer, 'placeholder', `Message ${name}`);
    text(this.typing, typingLine(this.client.inbox.typingIn(chatId)));
  }

  /** Above the oldest message: loading, a way to older ones, or the start of the conversation. */
  private renderEdge(thread: Thread, chatId: string): void {
    if (!thread.loaded) {
      fill(this.edge, h('p', { class: 'muted' }, 'Loading messages…'));
    } else if (thread.hasOlder) {
      if (!this.edge.querySelector('button')) {
        fill(this.edge, h('button', {
          type: 'button', class: 'link', onclick: () => void this.client.loadOlder(chatId).catch(() => undefined),
        }, 'Load older messages'));
      }
      attr(this.edge.querySelector('button')!, 'aria-busy', thread.loadingOlder ? 'true' : null);
    } else {
      fill(this.edge, h('p', { class: 'muted' }, 'This is the start of the conversation.'));
    }
  }

  /** Stays at the end when it was there (or asked to go there); keeps its place when older messages came in above. */
  private scroll(thread: Thread, chatId: string, toEnd: boolean, prepended: boolean, fromBottom: number): void {
    const scroller = this.scroller;
    if (toEnd || fromBottom < NEAR_BOTTOM_PX) {
      scroller.scrollTop = scroller.scrollHeight;
    } else if (prepended) {
      scroller.scrollTop = scroller.scrollHeight - scroller.clientHeight - fromBottom;
    }
    // a first page that does not fill the screen cannot be scrolled up: fetch more right away
    if (thread.loaded && thread.hasOlder && !thread.loadingOlder && scroller.scrollHeight <= scroller.clientHeight) {
      void this.client.loadOlder(chatId).catch(() => undefined);
    }
  }

  private subtitleOf(chat: Chat): string {
    const inbox = this.client.inbox;
    if (chat.type === 'group') {
      const me = inbox.me.id;
      const names = chat.participantIds.filter(id => id !== me).map(id => inbox.nameOf(id));
      return `${chat.participantIds.length} members: ${[...names, 'You'].join(', ')}`;
    }
    const partner: Profile | undefined = inbox.partner(chat);
    if (!partner) return '';
    if (partner.status === 'online') return 'online';
    if (partner.status === 'away') return 'away';
    return lastSeen(partner.lastSeen);
  }

  private sendDraft(): void {
    const chatId = this.client.inbox.openChatId;
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
