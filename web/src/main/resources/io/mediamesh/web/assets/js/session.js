// Who is signed in, as far as this browser knows. The session itself is the HttpOnly cookie the API
// set; the page keeps only the user name (no secret) to draw the header and to know "your own" pages.
// A session the server ended shows up as a 401 on the next call, which clears this.
import { api } from './api.js';

const KEY = 'mediamesh.user';
// The role as the server last said it: only to offer the console's link (the API decides access).
const ROLE = 'mediamesh.role';
const listeners = new Set();

export function currentUser() {
  return localStorage.getItem(KEY);
}

export function isAdmin() {
  return localStorage.getItem(ROLE) === 'admin';
}

export function signedInAs(name) {
  localStorage.setItem(KEY, name);
  listeners.forEach((listener) => listener(name));
  verify();
}

export function signedOut() {
  localStorage.removeItem(KEY);
  localStorage.removeItem(ROLE);
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
    const user = await api.user(name);
    if (user.role !== localStorage.getItem(ROLE)) {
      localStorage.setItem(ROLE, user.role);
      listeners.forEach((listener) => listener(name));
    }
    return name;
  } catch (error) {
    if (error.status === 401) {
      signedOut();
      return null;
    }
    return name;
  }
}
