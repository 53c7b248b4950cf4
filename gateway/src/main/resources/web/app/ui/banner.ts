// The connection banner: hidden while the socket is open, and on the first connect; otherwise it
// says what is wrong, when the next try comes, and how many messages wait for it.

import type { ParleyClient } from '../client';
import { attr, fill, h, text } from '../lib/dom';
import type { Connection } from '../lib/socket';

type Waiting = Extract<Connection, { kind: 'waiting' }>;

export class ConnectionBanner {
  readonly element = h('div', { class: 'banner', role: 'status', hidden: true });
  private hadTrouble = false;
  private shownState = '';
  private countdown = 0;

  constructor(private readonly client: ParleyClient) {}

  destroy(): void {
    window.clearInterval(this.countdown);
  }

  render(): void {
    const connection = this.client.inbox.connection;
    if (connection.kind === 'open') {
      window.clearInterval(this.countdown);
      if (this.hadTrouble) this.hide();
      return;
    }
    if (connection.kind === 'connecting' && !this.hadTrouble) return; // the first connect shows nothing
    this.hadTrouble = true;
    const waiting = this.waitingMessages();
    const state = `${connection.kind}|${connection.kind === 'waiting' ? connection.retryAt : ''}|${waiting}`;
    if (state === this.shownState) return; // unchanged: keep the button (and its focus)
    this.shownState = state;
    window.clearInterval(this.countdown);
    attr(this.element, 'hidden', false);
    attr(this.element, 'data-kind', connection.kind);
    const outbox = waiting > 0 ? ` ${waiting === 1 ? 'One message waits' : `${waiting} messages wait`} to be sent.` : '';
    if (connection.kind === 'offline') {
      fill(this.element, h('span', {}, `You are offline. Messages you write are sent when you are back.${outbox}`));
    } else if (connection.kind === 'connecting') {
      fill(this.element, h('span', {}, `Reconnecting…${outbox}`));
    } else {
      this.countDown(connection, outbox);
    }
  }

  private hide(): void {
    this.hadTrouble = false;
    this.shownState = '';
    attr(this.element, 'hidden', true);
    fill(this.element);
  }

  private countDown(connection: Waiting, outbox: string): void {
    // the seconds tick outside what screen readers hear: the live region says it once
    const seconds = h('span', { 'aria-hidden': 'true' });
    const tick = () => {
      const left = Math.max(0, Math.ceil((connection.retryAt - Date.now()) / 1000));
      text(seconds, left > 0 ? ` (next try in ${left} s)` : '');
    };
    tick();
    this.countdown = window.setInterval(tick, 1000);
    fill(this.element, h('span', {}, `Connection lost. Reconnecting…${outbox}`), seconds,
      h('button', { type: 'button', class: 'link', onclick: () => this.client.retryConnection() }, 'Retry now'));
  }

  private waitingMessages(): number {
    let count = 0;
    for (const thread of this.client.inbox.threads.values()) {
      for (const entry of thread.entries.values()) if (entry.delivery === 'queued' || entry.delivery === 'sending') count++;
    }
    return count;
  }
}
