// What the video and text room pages share around their join form and their stage: the head naming
// the room and its owner, a status line, a place for problems, and going back out of the room.
import { h, replace } from '../dom.js';
import { errorBox, showError } from './errors.js';
import { MediaError } from './janus.js';

/** A room's name for people: its description, or its {@code kind} and number. */
export function roomName(room, kind) {
  return room.description || `${kind} ${room.room_id}`;
}

/** The parts of a room page of {@code kind} ('Video room', 'Text room'), before the room is read. */
export function roomShell(kind) {
  const heading = h('h1', {}, kind);
  const meta = h('p', { class: 'meta' });
  const status = h('p', { class: 'room-status', role: 'status' });
  const problems = h('div', { class: 'room-problems' });
  return {
    heading,
    status,
    problems,
    head: h('div', { class: 'room-head' }, heading, meta),

    /**
     * Reads the room through {@code read} for {@code me}, names it in the head and shows {@code joinForm};
     * resolves to the room, or to null after saying why not (not signed in, or the API's error).
     */
    async open(me, read, joinForm) {
      if (!me) {
        replace(problems, h('p', { class: 'notice' },
          h('a', { href: `/signin?next=${encodeURIComponent(location.pathname)}` }, 'Sign in'), ' to join this room.'));
        return null;
      }
      let room;
      try {
        ({ room } = await read());
      } catch (error) {
        heading.textContent = 'Room unavailable';
        showError(problems, error);
        return null;
      }
      const name = roomName(room, kind);
      document.title = `${name} · mediamesh`;
      heading.textContent = name;
      replace(meta, `Owner ${room.owner.user_name} · share this page's address to invite people`);
      joinForm.hidden = false;
      return room;
    },

    /**
     * Joins through {@code enter} (which resolves once the page is in the room) with {@code joinForm}'s
     * buttons disabled; then shows {@code stage} with {@code inRoom} as the status, or why it failed.
     * Resolves to whether the page got in.
     */
    async join(joinForm, stage, enter, inRoom) {
      const buttons = joinForm.querySelectorAll('button');
      problems.replaceChildren();
      buttons.forEach((button) => {
        button.disabled = true;
      });
      replace(status, 'Joining…');
      try {
        await enter();
        joinForm.hidden = true;
        stage.hidden = false;
        replace(status, inRoom);
        return true;
      } catch (error) {
        replace(status);
        showJoinFailure(problems, error);
        return false;
      } finally {
        buttons.forEach((button) => {
          button.disabled = false;
        });
      }
    },

    /**
     * Shows the page out of the room: {@code stage} hidden, {@code joinForm} back, and {@code why} as
     * the status, or as an alert when it is a {@code problem}.
     */
    outside(stage, joinForm, why, problem) {
      stage.hidden = true;
      joinForm.hidden = false;
      if (problem) {
        replace(status);
        problems.append(h('div', { class: 'error', role: 'alert' }, why));
      } else {
        replace(status, why);
      }
    },
  };
}

/**
 * Shows why joining a room failed in {@code container}: the page's own MediaError as it is, a 5xx of
 * the join call (media-svc could not reach the room's Janus) as the media server being down, and
 * any other API error as the API said it.
 */
function showJoinFailure(container, error) {
  if (error instanceof MediaError) {
    container.append(h('div', { class: 'error', role: 'alert' }, error.message));
  } else if (error.status >= 500) {
    const box = errorBox(error);
    box.prepend('The room\'s media server is not available right now, so nobody can join. Try again in a moment. ');
    container.append(box);
  } else {
    showError(container, error);
  }
}
