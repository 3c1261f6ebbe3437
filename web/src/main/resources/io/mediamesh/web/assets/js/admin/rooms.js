// Rooms and streams across the fleet: every video room, text room and live stream with its server,
// owner, participants or viewers and recording state, and what an admin may do to them (kick,
// recording on or off, stop forwarding, destroy after a confirmation). A stream's tiers are drawn
// ORIGIN -> RELAYS -> EDGES with each edge's viewers and the age of its last packet.
import { h, replace } from '../dom.js';
import { showError } from '../components/errors.js';
import { pagedList } from '../components/pagedList.js';
import { roomsApi } from './roomsApi.js';

/** A button that runs {@code action} (after {@code question}, if any), showing a failure in {@code place}. */
function actionButton(text, { label, danger = false, question, place, action }) {
  const button = h('button', { type: 'button', class: danger ? 'small danger' : 'small', 'aria-label': label }, text);
  button.addEventListener('click', async () => {
    if (question && !confirm(question)) {
      return;
    }
    button.disabled = true;
    try {
      await action();
    } catch (error) {
      showError(place, error);
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

/** Loads a page of rooms with their live participants (one read each, as the list shows them). */
async function roomPage(type, cursor) {
  const { rooms, next_cursor: next } = await roomsApi.rooms(type, cursor);
  const detailed = await Promise.all(rooms.map((room) => roomsApi.room(type, room.room_id)
    .catch((error) => ({ room, participants: null, error }))));
  return { items: detailed, next };
}

function roomItem(type, detail, list) {
  const card = h('article', { class: 'card room', 'data-room': detail.room.room_id });
  const draw = ({ room, participants, error }) => {
    const name = `${type} room ${room.room_id}`;
    const who = (p) => (type === 'video' ? p.participant_id : p.username);
    replace(card,
      h('h4', {}, `${room.description || '(no description)'}`, h('span', { class: 'meta' }, ` #${room.room_id}`)),
      h('p', { class: 'meta' }, `on ${room.server.name}, owned by ${room.owner.user_name}`),
      h('p', { class: 'meta recording-state' }, room.recording ? 'Recording' : 'Not recording'),
      participants === null
        ? h('p', { class: 'meta' }, `Participants unknown (${error.code}).`)
        : h('div', {}, h('p', { class: 'meta participants-count' },
          `${participants.length} participant${participants.length === 1 ? '' : 's'}`),
        h('ul', { class: 'participants', 'aria-label': `Participants of ${name}` }, participants.map((p) =>
          h('li', {}, p.display || who(p), p.user_name ? h('span', { class: 'meta' }, ` (${p.user_name})`) : '', ' ',
            actionButton('Kick', {
              label: `Kick ${p.display || who(p)} from ${name}`, place: card,
              action: async () => {
                await roomsApi.kick(type, room.room_id, who(p));
                draw(await roomsApi.room(type, room.room_id));
              },
            }))))),
      h('div', { class: 'actions' },
        actionButton(room.recording ? 'Stop recording' : 'Start recording', {
          label: `${room.recording ? 'Stop' : 'Start'} recording ${name}`, place: card,
          action: async () => {
            await roomsApi.recording(type, room.room_id, !room.recording);
            draw(await roomsApi.room(type, room.room_id));
          },
        }),
        actionButton('Destroy', {
          label: `Destroy ${name}`, danger: true, place: card,
          question: `Destroy ${name} ("${room.description}")? Everyone in it is disconnected.`,
          action: async () => {
            await roomsApi.destroyRoom(type, room.room_id);
            list.remove(card.closest('li'));
          },
        })));
  };
  draw(detail);
  return card;
}

/** The youngest packet age of an edge's media (since its creation while none came, as Janus tells). */
function packetAge(tier) {
  const ages = (tier.media ?? []).map((m) => m.age_ms).filter((age) => age >= 0);
  if (!ages.length) {
    return 'packet age unknown';
  }
  const age = Math.min(...ages);
  return `packet age ${age < 1000 ? `${age} ms` : `${(age / 1000).toFixed(1)} s`}`;
}

/** ORIGIN -> RELAYS -> EDGES: each relay with the edges of its group. */
function tierTree(tiers) {
  const origin = tiers.filter((t) => t.role === 'origin');
  const relays = tiers.filter((t) => t.role === 'relay');
  const edges = tiers.filter((t) => t.role === 'edge');
  const edgeItem = (edge) => h('li', { class: 'tier edge', 'data-server': edge.server.name },
    h('span', { class: 'tier-role' }, 'EDGE'), ` ${edge.server.name}: `,
    h('span', { class: 'viewers' }, `${edge.viewers ?? 0} viewer${edge.viewers === 1 ? '' : 's'}`), ', ',
    h('span', { class: 'age' }, packetAge(edge)));
  const relayItem = (relay) => h('li', { class: 'tier relay', 'data-server': relay.server.name },
    h('span', { class: 'tier-role' }, 'RELAY'), ` ${relay.server.name} (group ${relay.relay_group ?? '—'})`,
    h('ul', {}, edges.filter((e) => e.upstream_server_id === relay.server.id || (!e.upstream_server_id &&
      e.relay_group === relay.relay_group)).map(edgeItem)));
  return h('ul', { class: 'tiers', 'aria-label': 'Tiers' }, origin.map((o) => h('li', { class: 'tier origin',
    'data-server': o.server.name }, h('span', { class: 'tier-role' }, 'ORIGIN'), ` ${o.server.name}`,
  h('ul', {}, relays.map(relayItem)))));
}

async function streamPage(cursor) {
  const { streams, next_cursor: next } = await roomsApi.streams(cursor);
  const detailed = await Promise.all(streams.map((stream) => roomsApi.stream(stream.stream_id)
    .catch((error) => ({ stream, tiers: null, error }))));
  return { items: detailed, next };
}

function streamItem(detail, list) {
  const card = h('article', { class: 'card stream', 'data-stream': detail.stream.stream_id });
  const draw = ({ stream, tiers, error }) => {
    const name = `stream ${stream.stream_id}`;
    const viewers = (tiers ?? []).reduce((sum, tier) => sum + (tier.viewers ?? 0), 0);
    replace(card,
      h('h4', {}, stream.name, h('span', { class: 'meta' }, ` #${stream.stream_id}`)),
      h('p', { class: 'meta' }, `owned by ${stream.owner.user_name}; `,
        stream.forwarding ? 'forwarding' : 'not forwarding', `; ${viewers} viewer${viewers === 1 ? '' : 's'}`),
      tiers === null ? h('p', { class: 'meta' }, `Tiers unknown (${error.code}).`) : tierTree(tiers),
      h('div', { class: 'actions' },
        stream.forwarding ? actionButton('Stop forwarding', {
          label: `Stop forwarding ${name}`, place: card,
          action: async () => {
            await roomsApi.stopForwarding(stream.stream_id);
            draw(await roomsApi.stream(stream.stream_id));
          },
        }) : '',
        actionButton('Destroy', {
          label: `Destroy ${name}`, danger: true, place: card,
          question: `Destroy ${name} ("${stream.name}")? Its viewers lose it.`,
          action: async () => {
            await roomsApi.destroyStream(stream.stream_id);
            list.remove(card.closest('li'));
          },
        })));
  };
  draw(detail);
  return card;
}

export function roomsView(container) {
  const section = (title, list) => {
    const id = `rooms-${title.toLowerCase().replace(/ /g, '-')}`;
    return h('section', { class: 'rooms-section', 'aria-labelledby': id }, h('h3', { id }, title), list.root);
  };
  const video = pagedList({ label: 'Video rooms', load: (cursor) => roomPage('video', cursor),
    item: (room, list) => roomItem('video', room, list), empty: 'No video rooms.' });
  const text = pagedList({ label: 'Text rooms', load: (cursor) => roomPage('text', cursor),
    item: (room, list) => roomItem('text', room, list), empty: 'No text rooms.' });
  const streams = pagedList({ label: 'Live streams', load: streamPage, item: streamItem, empty: 'No live streams.' });
  // Participants, viewers and packet ages change all the time: read again on demand.
  const refresh = h('button', { type: 'button', class: 'small' }, 'Refresh');
  refresh.addEventListener('click', () => [video, text, streams].forEach((list) => list.reload()));
  replace(container, h('div', { class: 'rooms-head' }, h('h2', {}, 'Rooms and streams'), refresh),
    section('Video rooms', video), section('Text rooms', text), section('Live streams', streams));
}
