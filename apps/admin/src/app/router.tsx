import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/** The console lives under /admin; paths inside it are written without that base. */
export const BASE = '/admin';

const listeners = new Set<() => void>();
function subscribe(listener: () => void) {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

/** The path inside the console: `/admin/api-keys` is `/api-keys`, `/admin` is `/`. */
export function currentPath(): string {
  const path = window.location.pathname;
  const inside = path.startsWith(BASE) ? path.slice(BASE.length) : path;
  return inside === '' ? '/' : inside.replace(/\/+$/, '') || '/';
}

export function usePath(): string {
  return useSyncExternalStore(subscribe, currentPath);
}

export function navigate(path: string, replace = false): void {
  const url = `${BASE}${path === '/' ? '/' : path}`;
  if (replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  listeners.forEach((l) => l());
}

/** A link inside the console: a real <a href> (middle click, copy link), navigated in place. */
export function Link({ to, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
      return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={`${BASE}${to === '/' ? '/' : to}`} onClick={handle} {...rest} />;
}
