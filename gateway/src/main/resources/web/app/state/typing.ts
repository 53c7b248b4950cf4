// Our own "typing…" as the others see it: throttled, so a keystroke is not a frame.

import type { ChatSocket } from '../lib/socket';

const TYPING_EVERY_MS = 3_000;
const TYPING_IDLE_MS = 4_000;

export class TypingSignal {
  private chatId: string | null = null;
  private sentAt = 0;
  private idle = 0;

  constructor(private readonly socket: ChatSocket) {}

  /** Called as the user types: "typing" at most every few seconds, "stopped" once idle. */
  typing(chatId: string, hasText: boolean): void {
    window.clearTimeout(this.idle);
    if (!hasText) {
      this.stop();
      return;
    }
    const now = Date.now();
    if (this.chatId !== chatId || now - this.sentAt > TYPING_EVERY_MS) {
      if (this.socket.emit('user:typing', { chatId, typing: true })) {
        this.chatId = chatId;
        this.sentAt = now;
      }
    }
    this.idle = window.setTimeout(() => this.stop(), TYPING_IDLE_MS);
  }

  stop(): void {
    window.clearTimeout(this.idle);
    if (this.chatId) this.socket.emit('user:typing', { chatId: this.chatId, typing: false });
    this.chatId = null;
    this.sentAt = 0;
  }
}
