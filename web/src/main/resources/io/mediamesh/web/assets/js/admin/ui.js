// Small pieces the console's views share: status badges, a poller that rests while the tab is
// hidden, multi-line API messages (a tool's output) and cells labelled for the phone layout.
import { h } from '../dom.js';
import { showError } from '../components/errors.js';

/** A short status word with a colour by its meaning; the word itself carries the meaning. */
export function badge(text, tone = 'neutral') {
  return h('span', { class: `state state-${tone}` }, text);
}

/** Tones of the words the API uses for health, outcomes and task states. */
export function toneOf(word) {
  switch (word) {
    case 'healthy': case 'succeeded': case 'activated': case 'already_active': return 'good';
    case 'unhealthy': case 'failed': case 'rolled_back': case 'rollback_failed': return 'bad';
    case 'partial': case 'cancelled': case 'running': case 'pending': case 'not_attempted': return 'warn';
    default: return 'neutral';
  }
}

/** A table cell that names its column on narrow screens, where rows become cards. */
export function cell(label, ...children) {
  return h('td', { 'data-label': label }, ...children);
}

/**
 * Shows {@code error} in {@code container}; a message of several lines (what nginx -t printed) keeps
 * its lines. A 401 goes to sign-in as everywhere on the site.
 */
export function showApiError(container, error) {
  if (error.status === 401 || !String(error.message).includes('\n')) {
    showError(container, error);
    return;
  }
  container.querySelectorAll(':scope > .error').forEach((old) => old.remove());
  container.append(h('div', { class: 'error', role: 'alert' }, h('strong', { class: 'code' }, error.code),
    h('pre', { class: 'tool-output' }, error.message)));
}

/**
 * Calls {@code tick} now and every {@code ms} while the page is visible; a hidden tab is not polled
 * and catches up as soon as it shows again. Returns stop().
 */
export function poll(tick, ms) {
  let timer = null;
  let stopped = false;
  const schedule = () => {
    clearTimeout(timer);
    if (!stopped && document.visibilityState === 'visible') {
      timer = setTimeout(run, ms);
    }
  };
  const run = async () => {
    try {
      await tick();
    } finally {
      schedule();
    }
  };
  const onVisibility = () => {
    if (document.visibilityState === 'visible') {
      run();
    } else {
      clearTimeout(timer);
    }
  };
  document.addEventListener('visibilitychange', onVisibility);
  run();
  return () => {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisibility);
  };
}

/** Abbreviations as they are written, in labels made from field names. */
const ABBREVIATIONS = {
  acl: 'ACL', api: 'API', cli: 'CLI', dtls: 'DTLS', http: 'HTTP', http2: 'HTTP/2', ice: 'ICE', ip: 'IP', ips: 'IPs',
  ipv6: 'IPv6', json: 'JSON', mtu: 'MTU', nat: 'NAT', pwd: 'password', rtp: 'RTP', ssl: 'SSL', stun: 'STUN',
  tcp: 'TCP', tls: 'TLS', turn: 'TURN', udp: 'UDP', url: 'URL',
};

/** Words from snake_case for labels: "relay_group" -> "Relay group", "ice_tcp" -> "ICE TCP". */
export function humanize(key) {
  const words = key.split('_').map((word) => ABBREVIATIONS[word] ?? word).join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
