// Sign in and sign up.

import { explain } from '../lib/api';
import { fill, h } from '../lib/dom';
import type { Session } from '../lib/session';

export function showAuth(root: HTMLElement, session: Session, signedIn: () => void, notice = ''): void {
  let creating = false;

  const render = (error = notice) => {
    notice = '';
    const title = creating ? 'Create your account' : 'Sign in to Parley';
    const status = h('p', { class: 'form-error', role: 'alert' }, error);
    const submit = h('button', { type: 'submit', class: 'primary' }, creating ? 'Create account' : 'Sign in');
    const fields = creating
      ? [
        field('Username', h('input', {
          id: 'auth-username', name: 'username', autocomplete: 'username', required: true,
          pattern: '[A-Za-z0-9_.\\-]{3,32}', title: '3 to 32 letters, digits, _ . or -', spellcheck: 'false',
        })),
        field('Email', h('input', { id: 'auth-email', name: 'email', type: 'email', autocomplete: 'email', required: true, maxlength: 254 })),
        field('Password', h('input', {
          id: 'auth-password', name: 'password', type: 'password', autocomplete: 'new-password', required: true,
          minlength: 8, maxlength: 128,
        }), 'At least 8 characters.'),
      ]
      : [
        field('Username or email', h('input', {
          id: 'auth-login', name: 'login', autocomplete: 'username', required: true, maxlength: 254, spellcheck: 'false',
        })),
        field('Password', h('input', {
          id: 'auth-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, maxlength: 128,
        })),
      ];
    const form = h('form', { class: 'auth-form', 'aria-labelledby': 'auth-title', novalidate: false }, ...fields, status, submit);
    form.addEventListener('submit', async event => {
      event.preventDefault();
      const values = new FormData(form);
      submit.disabled = true;
      status.textContent = '';
      try {
        if (creating) {
          await session.signUp(String(values.get('username')), String(values.get('email')), String(values.get('password')));
        } else {
          await session.signIn(String(values.get('login')).trim(), String(values.get('password')));
        }
        signedIn();
      } catch (e) {
        submit.disabled = false;
        status.textContent = explain(e);
      }
    });
    const toggle = h('button', { type: 'button', class: 'link' }, creating ? 'Sign in instead' : 'Create an account');
    toggle.addEventListener('click', () => {
      creating = !creating;
      render('');
      root.querySelector<HTMLInputElement>('input')?.focus();
    });
    fill(root, h('main', { class: 'auth' },
      h('div', { class: 'auth-card' },
        h('p', { class: 'brand', 'aria-hidden': 'true' }, 'Parley'),
        h('h1', { id: 'auth-title' }, title),
        form,
        h('p', { class: 'auth-switch' }, creating ? 'Have an account? ' : 'New here? ', toggle))));
  };
  render();
  root.querySelector<HTMLInputElement>('input')?.focus();
}

function field(label: string, input: HTMLInputElement, hint?: string): HTMLElement {
  const hintId = hint ? `${input.id}-hint` : undefined;
  if (hintId) input.setAttribute('aria-describedby', hintId);
  return h('div', { class: 'field' },
    h('label', { for: input.id }, label),
    input,
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null);
}
