// "New chat": find people by the start of their username; chat with one, or make a group.

import type { ParleyClient } from '../client';
import { explain } from '../lib/api';
import { attr, h, reconcile, text } from '../lib/dom';
import type { Profile } from '../lib/model';

const USERNAME_PREFIX = /^[A-Za-z0-9_.-]{1,32}$/;

export class NewChatDialog {
  readonly element: HTMLDialogElement;
  private readonly search: HTMLInputElement;
  private readonly searchStatus: HTMLElement;
  private readonly results: HTMLUListElement;
  private readonly groupName: HTMLInputElement;
  private readonly members: HTMLUListElement;
  private readonly create: HTMLButtonElement;
  private readonly error: HTMLElement;
  private readonly chosen = new Map<string, Profile>();
  private found: Profile[] = [];
  private searchTimer = 0;
  private searchSequence = 0;
  private returnFocus: HTMLElement | null = null;

  constructor(private readonly client: ParleyClient) {
    this.search = h('input', {
      id: 'people-search', type: 'search', autocomplete: 'off', spellcheck: 'false', maxlength: '32',
      placeholder: 'Start of a username', 'aria-describedby': 'people-status',
    });
    this.search.addEventListener('input', () => {
      window.clearTimeout(this.searchTimer);
      this.searchTimer = window.setTimeout(() => void this.runSearch(), 200);
    });
    this.searchStatus = h('p', { id: 'people-status', class: 'muted', 'aria-live': 'polite' });
    this.results = h('ul', { class: 'people', 'aria-label': 'People found' });
    this.groupName = h('input', { id: 'group-name', maxlength: '100', autocomplete: 'off' });
    this.groupName.addEventListener('input', () => this.renderGroup());
    this.members = h('ul', { class: 'chips', 'aria-label': 'Group members' });
    this.create = h('button', { type: 'submit', class: 'primary', disabled: true }, 'Create group');
    this.error = h('p', { class: 'form-error', role: 'alert' });
    const group = h('form', { class: 'group-form' },
      h('h3', {}, 'Or make a group'),
      h('div', { class: 'field' }, h('label', { for: 'group-name' }, 'Group name'), this.groupName),
      h('p', { class: 'muted', id: 'members-hint' }, 'Add people from the search above.'),
      this.members, this.create);
    group.addEventListener('submit', event => {
      event.preventDefault();
      void this.createGroup();
    });
    const close = h('button', { type: 'button', class: 'icon', 'aria-label': 'Close' }, '×');
    close.addEventListener('click', () => this.close());
    this.element = h('dialog', { class: 'new-chat', 'aria-labelledby': 'new-chat-title' },
      h('div', { class: 'dialog-head' }, h('h2', { id: 'new-chat-title' }, 'New chat'), close),
      h('div', { class: 'field' }, h('label', { for: 'people-search' }, 'Find people by username'), this.search),
      this.searchStatus, this.results, group, this.error);
    this.element.addEventListener('close', () => this.returnFocus?.focus());
  }

  open(from: HTMLElement): void {
    this.returnFocus = from;
    this.search.value = '';
    this.groupName.value = '';
    this.chosen.clear();
    this.found = [];
    this.error.textContent = '';
    text(this.searchStatus, '');
    this.renderResults();
    this.renderGroup();
    this.element.showModal();
    this.search.focus();
  }

  close(): void {
    if (this.element.open) this.element.close();
  }

  private async runSearch(): Promise<void> {
    const prefix = this.search.value.trim();
    const sequence = ++this.searchSequence;
    if (!prefix) {
      this.found = [];
      text(this.searchStatus, '');
      this.renderResults();
      return;
    }
    if (!USERNAME_PREFIX.test(prefix)) {
      text(this.searchStatus, 'Usernames have only letters, digits, _ . and -.');
      return;
    }
    try {
      const people = await this.client.searchPeople(prefix);
      if (sequence !== this.searchSequence) return; // an older answer than the one shown
      this.found = people;
      text(this.searchStatus, people.length === 0 ? `Nobody's username starts with “${prefix}”.`
        : `${people.length} ${people.length === 1 ? 'person' : 'people'} found.`);
      this.renderResults();
    } catch (error) {
      if (sequence === this.searchSequence) text(this.searchStatus, explain(error));
    }
  }

  private renderResults(): void {
    reconcile(this.results, this.found, person => person.id, person => {
      const chat = h('button', { type: 'button', class: 'primary small', 'aria-label': `Chat with ${person.username}` }, 'Chat');
      chat.addEventListener('click', () => void this.startChat(person));
      const add = h('button', { type: 'button', class: 'quiet small', 'aria-label': `Add ${person.username} to the group` }, 'Add');
      add.addEventListener('click', () => {
        if (this.chosen.has(person.id)) this.chosen.delete(person.id);
        else this.chosen.set(person.id, person);
        this.renderResults();
        this.renderGroup();
      });
      return h('li', { class: 'person' },
        h('span', { class: 'avatar', 'aria-hidden': 'true' }, person.username[0]?.toUpperCase() ?? '?',
          h('span', { class: 'dot', 'data-status': person.status })),
        h('span', { class: 'person-name' }, person.username, h('span', { class: 'sr-only' }, `, ${person.status}`)),
        chat, add);
    }, (li, person) => {
      const add = li.querySelectorAll('button')[1];
      const added = this.chosen.has(person.id);
      attr(add, 'aria-pressed', added ? 'true' : 'false');
      text(add, added ? 'Added' : 'Add');
    });
  }

  private renderGroup(): void {
    reconcile(this.members, [...this.chosen.values()], person => person.id, person => {
      const remove = h('button', { type: 'button', class: 'icon', 'aria-label': `Remove ${person.username}` }, '×');
      remove.addEventListener('click', () => {
        this.chosen.delete(person.id);
        this.renderResults();
        this.renderGroup();
      });
      return h('li', { class: 'chip' }, person.username, remove);
    }, () => undefined);
    this.create.disabled = this.chosen.size === 0 || this.groupName.value.trim().length === 0;
  }

  private async startChat(person: Profile): Promise<void> {
    this.error.textContent = '';
    try {
      await this.client.startDirectChat(person.id);
      this.returnFocus = document.getElementById('composer');
      this.close();
    } catch (error) {
      this.error.textContent = explain(error);
    }
  }

  private async createGroup(): Promise<void> {
    this.error.textContent = '';
    try {
      await this.client.createGroup(this.groupName.value.trim(), [...this.chosen.keys()]);
      this.returnFocus = document.getElementById('composer');
      this.close();
    } catch (error) {
      this.error.textContent = explain(error);
    }
  }
}

