// Who is signed in, as far as this browser knows. The session itself is the HttpOnly cookie the API
// set; the page keeps only the user name (no secret) to draw the header and to know "your own" pages.
// A session the server ended shows up as a 401 on the next call, which clears this.
import { api } from './api.js';

const KEY = 'mediamesh.user';
const listeners = new Set();

export function currentUser() {
  return localStorage.getItem(KEY);
}

export function signedInAs(name) {
  localStorage.setItem(KEY, name);
  listeners.forEach((listener) => listener(name));
}

export function signedOut() {
  localStorage.removeItem(KEY);
  listeners.forEach((listener) => listener(null));
}

export function onChange(listener) {
  listeners.add(listener);
}

/** Asks the server whether the session still lives; a 401 means it ended there. */
export async function verify() {
  const name = currentUser();
  if (!name) {
    return null;
  }
  try {
    await api.user(name);
    return name;
  } catch (error) {
    if (error.status === 401) {
      signedOut();
      return null;
    }
    return name;
  }
}
