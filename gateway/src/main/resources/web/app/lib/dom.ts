// DOM building without HTML strings: every piece of text becomes a Text node, so nothing a
// user wrote is ever parsed as markup.

export type Child = Node | string | null | undefined | false;
export type Props = Record<string, unknown>;

/**
 * h('button', {class: 'x', 'aria-label': 'Send', onclick: fn}, 'Send'): attributes are set as
 * attributes (true = present, false/null/undefined = absent), on* functions become listeners.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value as EventListener);
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(parent: Element, children: Child[]): void {
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) parent.append(child);
  }
}

/** Replaces an element's content. */
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** Sets or removes an attribute so that re-rendering is cheap and idempotent. */
export function attr(el: Element, name: string, value: string | boolean | null | undefined): void {
  if (value === null || value === undefined || value === false) {
    el.removeAttribute(name);
  } else {
    const text = value === true ? '' : value;
    if (el.getAttribute(name) !== text) el.setAttribute(name, text);
  }
}

export function text(el: Element, value: string): void {
  if (el.textContent !== value) el.textContent = value;
}

/**
 * Brings parent's children in line with items, keyed: existing elements are updated in place
 * (focus, scroll and inline editors survive a re-render), new ones created, missing ones removed.
 */
export function reconcile<T>(parent: Element, items: T[], key: (item: T) => string,
                             create: (item: T) => HTMLElement, update: (el: HTMLElement, item: T) => void): void {
  const existing = new Map<string, HTMLElement>();
  for (const child of Array.from(parent.children)) {
    const k = (child as HTMLElement).dataset.key;
    if (k !== undefined) existing.set(k, child as HTMLElement);
  }
  let index = 0;
  for (const item of items) {
    const k = key(item);
    let el = existing.get(k);
    if (el) {
      existing.delete(k);
    } else {
      el = create(item);
      el.dataset.key = k;
    }
    update(el, item);
    const at = parent.children[index] ?? null;
    if (at !== el) parent.insertBefore(el, at);
    index++;
  }
  for (const el of existing.values()) el.remove();
}

/** Tells screen readers something happened (new message, connection change) without moving focus. */
export function announce(message: string): void {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.textContent = '';
  // a fresh text node each time, so the same words twice are announced twice
  window.setTimeout(() => { region.textContent = message; }, 50);
}
