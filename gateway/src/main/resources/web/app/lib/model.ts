// The shapes of the API (auth-, user- and chat-service's openapi.yaml) as the client uses them.

export type Status = 'online' | 'away' | 'offline';

export interface Account {
  id: string;
  username: string;
  email: string;
}

export interface Profile {
  id: string;
  username: string;
  profilePic?: string | null;
  status: Status;
  lastSeen?: string | null;
}

export interface Attachment {
  name: string;
  size: number;
  mime: string;
}

export interface Message {
  id: string;
  chatId: string;
  /** Its place in the chat: 1, 2, 3, ... with no gaps (docs/reliability.md). */
  seq: number;
  senderId: string;
  receiverId?: string | null;
  type: 'text' | 'image' | 'file';
  content?: string | null;
  contentError?: string | null;
  attachment?: Attachment | null;
  timestamp: string;
  clientMessageId: string;
  editedAt?: string | null;
  deletedAt?: string | null;
  read: boolean;
  readBy: string[];
}

export interface Chat {
  id: string;
  type: 'direct' | 'group';
  participantIds: string[];
  name?: string | null;
  createdAt: string;
  createdBy: string;
  lastMessageAt: string;
  lastMessage?: Message | null;
  unreadCount: number;
}

export interface MessagePage {
  messages: Message[];
  nextCursor?: string | null;
}

/** One envelope of the WebSocket protocol (docs/websocket-protocol.md). */
export interface Frame {
  event: string;
  // each event has its own shape (docs/websocket-protocol.md); read where the event is handled
  data: any;
  id?: string;
}
