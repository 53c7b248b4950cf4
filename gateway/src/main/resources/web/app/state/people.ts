// The people in our chats (their profiles and presence) and our own status.

import type { Profile } from '../lib/model';
import type { Session } from '../lib/session';
import type { ChatSocket } from '../lib/socket';
import type { Inbox } from './inbox';

export class People {
  private readonly loading = new Set<string>();

  constructor(private readonly inbox: Inbox, private readonly session: Session, private readonly socket: ChatSocket) {}

  async loadMe(): Promise<void> {
    try {
      const me = await this.session.call<Profile>('GET', '/user/me');
      this.inbox.profiles.set(me.id, me);
      this.inbox.myStatus = me.status === 'away' ? 'away' : 'online';
      this.inbox.changed();
    } catch {
      // shown as online; the socket makes it so anyway
    }
  }

  /** Profiles not known yet; `again` fetches known ones too (their presence may have changed unseen). */
  load(ids: string[], again = false): void {
    const profiles = this.inbox.profiles;
    for (const id of new Set(ids)) {
      if ((!again && profiles.has(id)) || this.loading.has(id)) continue;
      this.loading.add(id);
      this.session.call<Profile>('GET', `/user/${encodeURIComponent(id)}`)
        .then(profile => {
          profiles.set(id, { ...profiles.get(id), ...profile });
          this.inbox.changed();
        })
        .catch(() => undefined)
        .finally(() => this.loading.delete(id));
    }
  }

  async search(prefix: string): Promise<Profile[]> {
    const found = await this.session.call<{ users: Profile[] }>('GET', `/user?search=${encodeURIComponent(prefix)}&limit=20`);
    const profiles = this.inbox.profiles;
    for (const user of found.users) profiles.set(user.id, { ...profiles.get(user.id), ...user });
    return found.users.filter(user => user.id !== this.inbox.me.id);
  }

  async setStatus(status: 'online' | 'away'): Promise<void> {
    this.inbox.myStatus = status;
    this.inbox.changed();
    if (!this.socket.emit('user:status', { status })) {
      await this.session.call<Profile>('PUT', '/user/status', { status });
    }
  }
}
