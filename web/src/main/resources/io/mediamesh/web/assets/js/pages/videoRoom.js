// A video room: join with camera and microphone or as a viewer, see and hear every other publisher,
// leave. The owner also sees who is there, removes people and turns recording on and off. The site's
// API hands out the room's Janus URL and a join token; everything about media is then between this
// page and that Janus, through Janus's own library (components/janus.js).
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { errorBox, showError } from '../components/errors.js';
import { field } from '../components/form.js';
import { attachVideoRoom, connect, enterRoom, intoStream, MediaError } from '../components/janus.js';
import { recordingSwitch } from '../components/recordingSwitch.js';
import { roomShell } from '../components/roomShell.js';
import { currentUser } from '../session.js';

// How often the owner's list of participants is read again while the page is open.
const PARTICIPANTS_EVERY_MS = 3000;

export function videoRoomPage(main, { room: roomId }) {
  const me = currentUser();
  const shell = roomShell('Video room');
  const { status, problems } = shell;
  const tiles = h('ul', { class: 'tiles', 'aria-label': 'People on camera' });
  const leaveButton = h('button', { type: 'button', class: 'danger' }, 'Leave room');
  // The call's tiles and its Leave button, shown while this page is in the room.
  const stage = h('div', { class: 'room-stage', hidden: true }, tiles, leaveButton);
  const joinForm = h('form', { class: 'form card join', novalidate: true, hidden: true },
    h('h2', {}, 'Join'),
    field({ name: 'display', label: 'Your name in the room', maxlength: 64, value: me ?? '', autocomplete: 'nickname' }),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', value: 'publish' }, 'Join with camera and microphone'),
      h('button', { type: 'submit', value: 'view', class: 'secondary' }, 'Join as viewer')));
  const owner = h('section', { class: 'owner card', hidden: true, 'aria-labelledby': 'owner-heading' });
  main.append(h('div', { class: 'video-room' },
    shell.head, problems, joinForm, status,
    stage, owner));

  let room = null;
  let call = null;
  let participantsTimer = null;
  let left = false;

  load();

  async function load() {
    room = await shell.open(me, () => api.videoRoom(roomId), joinForm);
    if (room?.owner.user_name === me) {
      ownerPanel();
    }
  }

  joinForm.addEventListener('submit', (event) => {
    event.preventDefault();
    join(event.submitter?.value !== 'view');
  });
  leaveButton.addEventListener('click', () => end('You left the room.'));

  function join(publish) {
    const display = joinForm.elements.namedItem('display').value.trim();
    shell.join(joinForm, stage, async () => {
      const ticket = await api.joinVideoRoom(roomId, display);
      call = await enter(ticket, display, publish);
    }, publish ? 'You are in the room, on camera.' : 'You are in the room as a viewer.');
  }

  /** Connects to Janus and joins; resolves to the call once Janus has let this page in. */
  async function enter(ticket, display, publish) {
    // The room server's TURN relay, with credentials issued for this join, for networks where the
    // browser cannot reach Janus directly; with the site's policy 'relay', the only way media goes.
    const iceServers = ticket.turn
      ? [{ urls: ticket.turn.urls, username: ticket.turn.username, credential: ticket.turn.password }] : [];
    const iceTransportPolicy = ticket.ice_transport_policy === 'relay' ? 'relay' : 'all';
    if (iceTransportPolicy === 'relay' && !iceServers.length) {
      throw new MediaError('This site sends media through a TURN relay only, and this room\'s media server has ' +
                           'none. Tell the site\'s operators.');
    }
    const session = await connect(ticket.server_url, {
      iceServers,
      iceTransportPolicy,
      onLost: () => end('The connection to the media server was lost. Join again when it is back.', true),
    });
    const current = { session, feeds: new Map(), publisher: null };
    await enterRoom(session, async (joined, refused) => {
      current.publisher = await attachVideoRoom(session, {
        onmessage: (message, jsep) => {
          if (message.videoroom === 'joined') {
            current.privateId = message.private_id;
            joined();
            if (publish) {
              startPublishing(current);
            }
          } else if (message.error_code && message.videoroom !== 'joined') {
            refused(new MediaError(refusal(message)));
          }
          if (kicked(message)) {
            end('The room\'s owner removed you from this room.', true);
            return;
          }
          (message.publishers ?? []).forEach((feed) => subscribe(current, ticket, feed));
          const gone = message.unpublished ?? message.leaving ?? message.kicked;
          if (gone !== undefined && gone !== 'ok') {
            dropFeed(current, gone);
          }
          if (jsep) {
            current.publisher.handleRemoteJsep({ jsep });
          }
        },
        onlocaltrack: (track, on) => {
          if (on && track.kind === 'video') {
            const tile = videoTile(`${display} (you)`, true);
            tile.video.srcObject = new MediaStream([track]);
            current.localTile = tile;
            tiles.prepend(tile.root);
          } else if (!on && current.localTile) {
            current.localTile.root.remove();
          }
        },
      });
      current.publisher.send({ message: { request: 'join', room: ticket.room_id, ptype: 'publisher', display,
                                          id: ticket.participant_id, token: ticket.token } });
    });
    return current;
  }

  function startPublishing(current) {
    current.publisher.createOffer({
      tracks: [{ type: 'audio', capture: true, recv: false }, { type: 'video', capture: true, recv: false }],
      success: (jsep) => current.publisher.send({ message: { request: 'publish' }, jsep }),
      error: () => {
        replace(status, 'You are in the room as a viewer.');
        problems.append(h('div', { class: 'error', role: 'alert' },
          'Your camera or microphone cannot be used (allow them in the browser, or check that no other ' +
          'program holds them). The others cannot see or hear you.'));
      },
    });
  }

  /** Receives one other publisher's audio and video, on a tile of its own. */
  async function subscribe(current, ticket, feed) {
    if (current.feeds.has(feed.id) || feed.id === ticket.participant_id) {
      return;
    }
    const tile = videoTile(feed.display || 'Someone', false);
    const entry = { tile, handle: null };
    current.feeds.set(feed.id, entry);
    tiles.append(tile.root);
    const stream = new MediaStream();
    tile.video.srcObject = stream;
    try {
      entry.handle = await attachVideoRoom(current.session, {
        onmessage: (message, jsep) => {
          if (jsep) {
            entry.handle.createAnswer({
              jsep,
              // Audio and video offered are taken as receive-only; nothing is captured for them.
              tracks: [{ type: 'data' }],
              success: (answer) => entry.handle.send({ message: { request: 'start', room: ticket.room_id },
                                                       jsep: answer }),
              error: () => tile.caption.append(' (cannot be received)'),
            });
          }
        },
        onremotetrack: intoStream(stream),
      });
      entry.handle.send({ message: { request: 'join', room: ticket.room_id, ptype: 'subscriber',
                                     streams: [{ feed: feed.id }], private_id: current.privateId,
                                     token: ticket.token } });
    } catch {
      tile.caption.append(' (cannot be received)');
    }
  }

  function dropFeed(current, id) {
    const entry = current.feeds.get(id);
    if (entry) {
      entry.tile.root.remove();
      entry.handle?.detach();
      current.feeds.delete(id);
    }
  }

  /** Leaves Janus and shows {@code why}; {@code problem}: as an alert rather than a status. */
  function end(why, problem = false) {
    if (call) {
      const ending = call;
      call = null;
      ending.publisher?.send({ message: { request: 'leave' } });
      ending.session.destroy({ notifyDestroyed: false });
    }
    tiles.querySelectorAll('video').forEach((video) => {
      video.srcObject?.getTracks().forEach((track) => track.stop());
      video.srcObject = null;
    });
    tiles.replaceChildren();
    if (!left) {
      shell.outside(stage, joinForm, why, problem);
    }
  }

  function ownerPanel() {
    const list = h('ul', { class: 'people', 'aria-label': 'Participants' });
    owner.hidden = false;
    replace(owner, h('h2', { id: 'owner-heading' }, 'People in the room'), list,
      recordingSwitch(room, (enabled) => api.recordVideoRoom(roomId, enabled), owner));

    const refresh = async () => {
      participantsTimer = null;
      try {
        const { participants } = await api.videoRoom(roomId);
        replace(list, participants.length ? participants.map((p) => participantRow(p, refresh))
                                          : h('li', { class: 'meta' }, 'Nobody is in the room.'));
      } catch (error) {
        showError(owner, error);
      }
      if (!left) {
        participantsTimer = setTimeout(refresh, PARTICIPANTS_EVERY_MS);
      }
    };
    refresh();
  }

  function participantRow(participant, refresh) {
    const name = participant.display || `Participant ${participant.participant_id}`;
    const who = h('span', { class: 'who' }, name,
      participant.user_name ? h('span', { class: 'meta' }, ` @${participant.user_name}`) : null);
    const doing = h('span', { class: 'meta' }, participant.publisher ? 'on camera' : 'watching');
    if (participant.user_name === me) {
      // Removing yourself would ban you from your own room.
      return h('li', { class: 'person' }, who, doing);
    }
    const remove = h('button', { type: 'button', class: 'danger small', 'aria-label': `Remove ${name}` }, 'Remove');
    remove.addEventListener('click', async () => {
      remove.disabled = true;
      try {
        await api.kickFromVideoRoom(roomId, participant.participant_id);
        clearTimeout(participantsTimer);
        refresh();
      } catch (error) {
        remove.disabled = false;
        owner.append(errorBox(error));
      }
    });
    return h('li', { class: 'person' }, who, doing, remove);
  }

  return () => {
    left = true;
    clearTimeout(participantsTimer);
    end('');
  };
}

/** A tile with a video element (which also plays the audio of remote people) and a caption. */
function videoTile(name, local) {
  const video = h('video', { autoplay: true, playsinline: true, muted: local, 'aria-label': name });
  // The attribute alone does not mute a video whose source is set from script.
  video.muted = local;
  const caption = h('figcaption', {}, name);
  const root = h('li', { class: local ? 'tile local' : 'tile remote' }, h('figure', {}, video, caption));
  return { root, video, caption };
}

function kicked(message) {
  return message.leaving === 'kicked' || (message.leaving === 'ok' && message.reason === 'kicked');
}

/** What Janus's refusal of a join means for the person joining. */
function refusal(message) {
  switch (message.error_code) {
    case 433:
      return 'This room did not accept your pass: you may have been removed from it.';
    case 426:
      return 'This room no longer exists on its media server.';
    case 432:
      return 'The room is full: it has as many cameras as it allows. Join as a viewer.';
    default:
      return `The media server refused to let you in (${message.error_code}: ${message.error}).`;
  }
}
