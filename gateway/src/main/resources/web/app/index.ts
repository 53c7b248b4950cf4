// Parley in the browser: the reference client of the HTTP API and the WebSocket protocol.

import './app.css';
import { ParleyClient } from './client';
import { explain } from './lib/api';
import { Session } from './lib/session';
import { showAuth } from './ui/auth';
import { ChatScreen } from './ui/chat-screen';

const root = document.getElementById('app')!;
const session = new Session();
let client: ParleyClient | null = null;
let screen: ChatScreen | null = null;

function signedOut(notice = ''): void {
  screen?.destroy();
  client?.stop();
  screen = null;
  client = null;
  document.title = 'Parley';
  showAuth(root, session, signedIn, notice);
}

function signedIn(): void {
  client = new ParleyClient(session);
  screen = new ChatScreen(root, client, () => {
    void session.signOut().catch(() => undefined).then(() => signedOut('You are signed out.'));
  });
  document.title = `Parley · ${session.account?.username ?? ''}`;
  client.start();
}

session.onEnded = why => signedOut(why);

session.restore()
  .then(restored => (restored ? signedIn() : signedOut()))
  .catch(error => signedOut(`Could not restore your session. ${explain(error)}`));
