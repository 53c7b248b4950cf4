// One chat's messages as shown. A message is keyed by sender and clientMessageId, so that our own
// unsent copy and the server's stored one are the same entry.

import type { Message } from '../lib/model';
import { sortable } from '../lib/time';

/** How an own message is getting on; absent once the server has stored it. */
export type Delivery = 'queued' | 'sending' | 'failed';

/** A message as shown: stored ones have id and timestamp, own unsent ones not yet. */
export interface Entry extends Omit<Message, 'id' | 'timestamp' | 'seq'>, Partial<Pick<Message, 'id' | 'timestamp' | 'seq'>> {
  key: string;
  /** (timestamp, id) as one sortable string; unsent messages sort last, in the order written. */
  order: string;
  delivery?: Delivery;
  failure?: string;
}

export class Thread {
  readonly entries = new Map<string, Entry>();
  loaded = false;
  cursor: string | null = null;
  hasOlder = true;
  loadingOlder = false;
  /** userId -> when their "typing" runs out (ms). */
  readonly typing = new Map<string, number>();
  lastReadSent: string | null = null;

  sorted(): Entry[] {
    return [...this.entries.values()].sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
  }

  last(): Entry | undefined {
    let last: Entry | undefined;
    for (const entry of this.entries.values()) if (!last || entry.order > last.order) last = entry;
    return last;
  }

  byId(id: string): Entry | undefined {
    for (const entry of this.entries.values()) if (entry.id === id) return entry;
    return undefined;
  }
}

export function keyOf(senderId: string, clientMessageId: string): string {
  return `${senderId}/${clientMessageId}`;
}

export function orderOf(message: Message): string {
  return `${sortable(message.timestamp)}|${message.id}`;
}
