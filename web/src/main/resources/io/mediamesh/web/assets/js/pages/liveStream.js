// A live stream: anyone watches it over WebRTC from the edge the API's `watch` chose (by load), through
// Janus's Streaming plugin (watch -> Janus's offer -> answer -> start). Its owner also gets the
// ingest instructions (an ffmpeg command line with the SSRCs and payload types the origin expects),
// turns forwarding to the edges on and off, pauses and resumes the edges' playing to viewers (the
// API's stop and start), and sees the viewers of each edge.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { deleteButton } from '../components/deleteVideo.js';
import { errorBox, showError } from '../components/errors.js';
import { MediaError, watchMountpoint } from '../components/janus.js';
import { navigate } from '../router.js';
import { currentUser } from '../session.js';
import { carries, liveBadge, streamName } from './streams.js';

// How often a page waiting for the stream to go live asks again, and how often the owner's panel is read.
const RECHECK_EVERY_MS = 3000;
const NOT_LIVE = 'This stream is not live right now. The picture starts here by itself when it is.';
const PAUSED = 'The stream is paused: its owner stopped it for viewers. The picture starts here again by itself ' +
               'when it resumes.';

export function liveStreamPage(main, { id }) {
  const me = currentUser();
  const heading = h('h1', {}, 'Live stream');
  const meta = h('p', { class: 'meta' });
  const status = h('p', { class: 'room-status', role: 'status' });
  const problems = h('div', { class: 'room-problems' });
  const video = h('video', { autoplay: true, playsinline: true, controls: true, 'aria-label': 'The live stream' });
  const watchButton = h('button', { type: 'button', hidden: true });
  const player = h('div', { class: 'player', hidden: true }, video);
  const owner = h('section', { class: 'owner card', hidden: true, 'aria-labelledby': 'owner-heading' });
  main.append(h('div', { class: 'video-room live-stream' },
    h('div', { class: 'room-head' }, heading, meta), problems, status, watchButton, player, owner));

  let stream = null;
  let viewing = null;
  let recheckTimer = null;
  let liveTimer = null;
  let ownerTimer = null;
  let left = false;

  watchButton.addEventListener('click', () => watch());
  load();

  async function load() {
    try {
      ({ stream } = await api.stream(id));
    } catch (error) {
      heading.textContent = 'Stream unavailable';
      showError(problems, error);
      return;
    }
    document.title = `${streamName(stream)} · mediamesh`;
    heading.textContent = streamName(stream);
    showMeta();
    if (stream.ingest) {
      // The owner's page is the stream's control panel: it plays the stream (and counts as a viewer)
      // only when asked to.
      ownerPanel();
      watchButton.textContent = 'Watch it here';
      watchButton.hidden = false;
    } else {
      watch();
    }
  }

  function showMeta() {
    replace(meta, `${carries(stream)} · by ${stream.owner.user_name} · `, liveBadge(stream));
  }

  /**
   * Asks the API for an edge and plays the stream from it; waits (asking again, saying {@code waiting})
   * while it is not live.
   */
  async function watch(waiting = NOT_LIVE) {
    clearTimeout(recheckTimer);
    watchButton.hidden = true;
    problems.replaceChildren();
    if (!stream.watchable) {
      waitForLive(waiting);
      return;
    }
    replace(status, 'Connecting…');
    try {
      const ticket = await api.watchStream(id);
      viewing = await play(ticket);
    } catch (error) {
      replace(status);
      if (error.code === 'FAILED_STREAMING_WATCH') {
        stream = { ...stream, watchable: false };
        waitForLive(waiting);
      } else {
        if (error instanceof MediaError) {
          problems.append(h('div', { class: 'error', role: 'alert' }, error.message));
        } else {
          showError(problems, error);
        }
        watchButton.textContent = 'Watch again';
        watchButton.hidden = false;
      }
    }
  }

  function waitForLive(waiting) {
    replace(status, waiting);
    showMeta();
    recheckTimer = setTimeout(async () => {
      try {
        ({ stream } = await api.stream(id));
      } catch {
        // Asked again at the next turn; the page keeps saying the stream is not live.
      }
      if (!left) {
        watch(stream.forwarding && !stream.enabled ? PAUSED : NOT_LIVE);
      }
    }, RECHECK_EVERY_MS);
  }

  /**
   * While playing, reads the stream's public state (media-svc's records, no Janus asked) so that a pause
   * by the owner ends the picture here and says so: a paused edge does not end its viewers'
   * connections. Once it resumes, the page plays it again by itself.
   */
  function watchForPause() {
    liveTimer = setTimeout(async () => {
      liveTimer = null;
      try {
        ({ stream } = await api.stream(id));
      } catch {
        // Asked again at the next turn.
      }
      if (!viewing || left) {
        return;
      }
      if (stream.forwarding && !stream.enabled) {
        leave();
        waitForLive(PAUSED);
      } else {
        watchForPause();
      }
    }, RECHECK_EVERY_MS);
  }

  /** Connects to the edge and resolves once it sends the stream. */
  async function play(ticket) {
    const current = await watchMountpoint(ticket.server_url, ticket.mountpoint_id, {
      onLost: () => stopped('The connection to the stream\'s media server was lost.'),
      onStopped: () => stopped('The stream stopped: its owner stopped sending it to viewers.', true),
    });
    video.srcObject = current.media;
    player.hidden = false;
    replace(status, `Live, from ${ticket.server.name}.`);
    viewing = current;
    watchForPause();
    // Browsers may refuse to start sound without a click: then the picture plays muted and the
    // controls unmute it.
    video.play().catch(() => {
      video.muted = true;
      video.play().catch(() => {});
      replace(status, `Live, from ${ticket.server.name}; muted by the browser: unmute it with the player's controls.`);
    });
    return current;
  }

  /** Ends watching (if this page watches) and says {@code why}; {@code notLive}: the stream itself ended. */
  function stopped(why, notLive = false) {
    if (!viewing) {
      return;
    }
    leave();
    replace(status, why);
    watchButton.textContent = 'Watch again';
    watchButton.hidden = false;
    if (notLive) {
      // The edge took the stream away: it is not live, even if the site's records lag a moment behind.
      stream = { ...stream, watchable: false };
      showMeta();
    }
  }

  function leave() {
    clearTimeout(liveTimer);
    liveTimer = null;
    if (viewing) {
      const ending = viewing;
      viewing = null;
      ending.handle?.send({ message: { request: 'stop' } });
      ending.session.destroy({ notifyDestroyed: false });
    }
    video.srcObject?.getTracks().forEach((track) => track.stop());
    video.srcObject = null;
    player.hidden = true;
  }

  function ownerPanel() {
    const edges = h('tbody');
    const forwardState = h('p', { class: 'recording-state forward-state', role: 'status' });
    const forwardButton = h('button', { type: 'button', class: 'secondary' });
    const pauseState = h('p', { class: 'recording-state pause-state', role: 'status' });
    const pauseButton = h('button', { type: 'button', class: 'secondary' });
    owner.hidden = false;
    replace(owner, h('h2', { id: 'owner-heading' }, 'Your stream'), ingestInstructions(stream),
      h('h3', {}, 'Viewers'),
      h('p', { class: 'meta' }, 'Sending sets the stream up on the relays and edges, or takes it down from them. ',
        'Pausing leaves it there but has the edges play it to nobody, so that resuming is immediate.'),
      h('div', { class: 'recording' }, forwardState, forwardButton),
      h('div', { class: 'recording' }, pauseState, pauseButton),
      h('div', { class: 'table-scroll' }, h('table', { class: 'edges' }, h('caption', {}, 'Viewers on each edge'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Edge'), h('th', { scope: 'col' }, 'Viewers'),
          h('th', { scope: 'col' }, 'Receiving'))), edges)),
      h('div', { class: 'form-actions' }, deleteButton({
        name: streamName(stream), remove: () => api.destroyStream(id), text: 'Delete stream',
        consequence: 'Viewers are cut off and its ingest stops. This cannot be undone.',
        onDeleted: () => navigate('/streams'), errorPlace: () => owner,
      })));
    const showForwarding = () => {
      replace(forwardState, stream.forwarding ? h('span', { class: 'badge live' }, 'Sent to edges')
                                              : 'Not sent to edges: nobody can watch');
      forwardButton.textContent = stream.forwarding ? 'Stop sending to viewers' : 'Send to viewers';
      if (!stream.enabled) {
        replace(pauseState, h('span', { class: 'badge' }, 'Paused'), ': the edges play it to nobody');
      } else {
        replace(pauseState, stream.forwarding ? 'Not paused: the edges play it to viewers'
                                              : 'Not paused: the edges play it once it is sent to them');
      }
      pauseButton.textContent = stream.enabled ? 'Pause for viewers' : 'Resume for viewers';
    };
    showForwarding();
    // Both buttons change the stream, then the panel reads it again at once.
    const change = (button, request) => button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        await request();
        owner.querySelectorAll(':scope > .error').forEach((box) => box.remove());
        clearTimeout(ownerTimer);
        await refresh();
      } catch (error) {
        showError(owner, error);
      } finally {
        button.disabled = false;
      }
    });
    change(forwardButton, () => api.forwardStream(id, !stream.forwarding));
    change(pauseButton, () => api.startStream(id, !stream.enabled));

    const refresh = async () => {
      ownerTimer = null;
      try {
        const answer = await api.stream(id);
        stream = answer.stream;
        showForwarding();
        showMeta();
        const tiers = answer.tiers.filter((tier) => tier.role === 'edge');
        replace(edges, tiers.length ? tiers.map(edgeRow)
                                    : h('tr', {}, h('td', { colspan: 3, class: 'meta' }, 'No edge carries it.')));
      } catch (error) {
        showError(owner, error);
      }
      if (!left) {
        ownerTimer = setTimeout(refresh, RECHECK_EVERY_MS);
      }
    };
    refresh();
  }

  return () => {
    left = true;
    clearTimeout(recheckTimer);
    clearTimeout(ownerTimer);
    leave();
  };
}

function edgeRow(tier) {
  // Janus counts the age of a line since its last packet: a few seconds means media arrives.
  const receiving = tier.media.length > 0 && tier.media.every((line) => line.age_ms < 3000);
  return h('tr', {}, h('th', { scope: 'row' }, tier.server.name), h('td', {}, tier.viewers ?? 0),
    h('td', {}, receiving ? 'yes' : 'no'));
}

/** The ingest's host and ports, and an ffmpeg command line that sends a test pattern and tone to them. */
function ingestInstructions(stream) {
  const command = ffmpegCommand(stream);
  const code = h('code', {}, command);
  const copy = h('button', { type: 'button', class: 'secondary small' }, 'Copy command');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(command);
      copy.textContent = 'Copied';
    } catch {
      copy.textContent = 'Select the command to copy it';
    }
  });
  return h('div', { class: 'ingest' },
    h('h3', {}, 'Send it'),
    h('p', {}, 'Send RTP to ', h('strong', { class: 'code' }, stream.ingest.host),
      ' with exactly these SSRCs and payload types (the origin tells the lines apart by SSRC):'),
    h('div', { class: 'table-scroll' }, ingestTable(stream)),
    h('p', {}, 'This command sends a test pattern', stream.audio ? ' and a tone' : '',
      '. To send a file instead, replace each ', h('span', { class: 'code' }, '-f lavfi -i …'),
      ' input with ', h('span', { class: 'code' }, '-i your-file.mp4'), '.'),
    simulcastNote(stream),
    h('pre', { class: 'command', tabindex: 0, 'aria-label': 'ffmpeg command' }, code),
    copy);
}

/**
 * The ingest's lines, one row each. On a phone the rows are restacked as cards (site.css); the explicit
 * roles keep it a table to assistive technology, which a table whose cells are restyled as blocks is not.
 */
function ingestTable(stream) {
  const columns = [['Port', (line) => line.port], ['RTCP port', (line) => line.rtcp_port ?? '—'],
    ['SSRC', (line) => layers(line).join(', ')], ['Payload type', (line) => line.payload_type],
    ['Codec', (line) => line.codec]];
  return h('table', { class: 'ingest-lines', role: 'table' },
    h('caption', {}, 'Ingest'),
    h('thead', { role: 'rowgroup' }, h('tr', { role: 'row' },
      ...['Line', ...columns.map(([name]) => name)].map((name) => h('th', { scope: 'col', role: 'columnheader' }, name)))),
    h('tbody', { role: 'rowgroup' }, stream.ingest.ports.map((line) => h('tr', { role: 'row' },
      h('th', { scope: 'row', role: 'rowheader' }, line.type),
      ...columns.map(([name, value]) => h('td', { role: 'cell', 'data-label': name }, value(line)))))));
}

/** A line's SSRCs: its own, then its simulcast layers' (sent to the same port). */
function layers(line) {
  return [line.ssrc, ...(line.simulcast_ssrcs ?? [])];
}

/** For a simulcast stream: what the command sends of it (one encoding, as the first layer), so nobody is surprised. */
function simulcastNote(stream) {
  const video = stream.ingest.ports.find((line) => line.simulcast_ssrcs?.length);
  if (!video) {
    return null;
  }
  const [base, ...more] = layers(video);
  return h('p', { class: 'notice simulcast-note' },
    `This stream takes simulcast video: three encodings of the picture, with SSRCs ${layers(video).join(', ')}. `,
    `The command below sends one encoding only, as the first layer (SSRC ${base}), so viewers get that one. `,
    `To send all three, encode the video three times, smaller each time, and send the others with SSRCs `,
    `${more.join(' and ')} to the same port.`);
}

/**
 * An ffmpeg command line (POSIX shell) sending the stream's lines to its ingest: one RTP output per
 * line, each with its own SSRC and payload type, VP8 with a keyframe every second so that viewers
 * who arrive see a picture quickly and without look-ahead (-lag-in-frames 0: libvpx otherwise holds
 * 25 frames back).
 */
export function ffmpegCommand(stream) {
  const inputs = [];
  const outputs = [];
  for (const line of stream.ingest.ports) {
    const index = inputs.length;
    const target = `'rtp://${stream.ingest.host}:${line.port}${line.rtcp_port ? `?rtcpport=${line.rtcp_port}` : ''}'`;
    const rtp = `-ssrc ${line.ssrc} -payload_type ${line.payload_type} -f rtp ${target}`;
    if (line.type === 'video') {
      inputs.push('-re -f lavfi -i testsrc2=size=640x360:rate=30');
      outputs.push(`-map ${index}:v -c:v libvpx -deadline realtime -cpu-used 8 -lag-in-frames 0 -b:v 1M -g 30 ${rtp}`);
    } else {
      inputs.push('-re -f lavfi -i sine=frequency=440:sample_rate=48000');
      outputs.push(`-map ${index}:a -c:a libopus -b:a 64k ${rtp}`);
    }
  }
  return ['ffmpeg', ...inputs, ...outputs].join(' \\\n  ');
}
