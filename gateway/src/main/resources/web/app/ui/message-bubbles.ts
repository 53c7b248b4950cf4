// The messages of the open conversation as bubbles: text, time, delivery, and for our own the
// actions (retry, edit in place, delete after asking).

import type { ParleyClient } from '../client';
import { explain } from '../lib/api';
import { attr, fill, h } from '../lib/dom';
import type { Chat } from '../lib/model';
import { clock } from '../lib/time';
import type { Entry } from '../state/thread';

/** What the bubbles need of the conversation around them. */
export interface BubbleHost {
  rerender(): void;
  showError(message: string): void;
  focusComposer(): void;
}

export class MessageBubbles {
  private editing: string | null = null;
  private confirmingDelete: string | null = null;

  constructor(private readonly client: ParleyClient, private readonly host: BubbleHost) {}

  /** Another chat is shown: what was half done in the last one is dropped. */
  reset(): void {
    this.editing = null;
    this.confirmingDelete = null;
  }

  render(li: HTMLElement, entry: Entry, chat: Chat): void {
    const inbox = this.client.inbox;
    const mine = entry.senderId === inbox.me.id;
    const delivery = mine ? this.deliveryOf(entry, chat) : null;
    const editing = this.editing === entry.key && !!entry.id && !entry.deletedAt;
    const confirming = this.confirmingDelete === entry.key;
    const signature = JSON.stringify([entry.content, entry.editedAt, entry.deletedAt, entry.contentError, entry.timestamp,
      delivery, editing, confirming, chat.type === 'group' ? inbox.nameOf(entry.senderId) : '']);
    li.className = `msg ${mine ? 'mine' : 'theirs'}${entry.deletedAt ? ' deleted' : ''}`;
    attr(li, 'data-delivery', delivery ? delivery.state : null);
    if (li.dataset.signature === signature) return;
    li.dataset.signature = signature;

    const author = inbox.nameOf(entry.senderId);
    const body = editing ? this.editor(entry) : this.contentOf(entry);
    const meta = h('p', { class: 'meta' },
      entry.timestamp ? h('time', { datetime: entry.timestamp }, clock(entry.timestamp)) : null,
      entry.editedAt && !entry.deletedAt ? h('span', { class: 'edited' }, 'edited') : null,
      delivery ? h('span', { class: 'delivery' }, delivery.label) : null);
    const actions = this.actionsOf(entry, mine, editing, confirming);
    // own messages can be focused (a tap on a phone, Tab on a keyboard), which shows their actions
    const focusable = mine && actions.childElementCount > 0 && !editing;
    fill(li, h('div', { class: 'bubble', tabindex: focusable ? '0' : null },
      h('p', { class: chat.type === 'group' && !mine ? 'author' : 'author sr-only' }, author),
      body, meta), actions.childElementCount ? actions : null);
    if (editing) queueMicrotask(() => li.querySelector('textarea')?.focus());
  }

  private actionsOf(entry: Entry, mine: boolean, editing: boolean, confirming: boolean): HTMLElement {
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
              void this.client.remove(entry).catch(error => this.host.showError(explain(error)));
            },
          }, 'Delete'),
          h('button', { type: 'button', class: 'link', onclick: () => this.setConfirming(null) }, 'Keep'));
      } else {
        actions.append(
          h('button', { type: 'button', class: 'link', 'aria-label': 'Edit message', onclick: () => this.setEditing(entry.key) }, 'Edit'),
          h('button', { type: 'button', class: 'link', 'aria-label': 'Delete message', onclick: () => this.setConfirming(entry.key) }, 'Delete'));
      }
    }
    return actions;
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
      const kind = this.client.inbox.connection.kind;
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
      void this.client.edit(entry, value).catch(error => this.host.showError(explain(error)));
    };
    field.addEventListener('keydown', event => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        save();
      } else if (event.key === 'Escape') {
        event.preventDefault();
        this.setEditing(null);
        this.host.focusComposer();
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
    this.host.rerender();
  }

  private setConfirming(key: string | null): void {
    this.confirmingDelete = key;
    this.host.rerender();
  }
}
