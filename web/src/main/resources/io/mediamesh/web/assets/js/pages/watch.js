// Watch: the player on the stream URL (the browser follows the gateway's redirect to the file server
// and seeks with Range requests), the video's details and its comments.
import { api, streamUrl } from '../api.js';
import { h, localDate } from '../dom.js';
import { showError } from '../components/errors.js';
import { comments } from '../components/comments.js';
import { deleteVideoButton } from '../components/deleteVideo.js';
import { navigate } from '../router.js';
import { currentUser } from '../session.js';

export function watchPage(main, { vid }) {
  const stage = h('div', { class: 'stage' });
  const details = h('div', { class: 'details', 'aria-busy': 'true' }, h('h1', { class: 'placeholder' }, 'Loading…'));
  main.append(h('div', { class: 'watch' }, stage, details));
  load();

  async function load() {
    let video;
    try {
      ({ video } = await api.video(vid));
    } catch (error) {
      details.replaceChildren(h('h1', {}, 'Video unavailable'));
      details.setAttribute('aria-busy', 'false');
      showError(details, error);
      return;
    }
    document.title = `${video.name} · mediamesh`;
    const me = currentUser();
    if (video.state === 'ready') {
      stage.append(h('video', { src: streamUrl(video.id), controls: true, preload: 'metadata', playsinline: true,
                                'aria-label': video.name }));
    } else {
      stage.append(h('p', { class: 'no-file' }, 'This video has no file yet.'));
    }
    const heading = h('h1', {}, video.name);
    const meta = h('p', { class: 'meta' },
      'by ', h('a', { href: `/u/${encodeURIComponent(video.author)}` }, video.author), ' · ',
      h('time', { datetime: video.created_at }, localDate(video.created_at)));
    const description = video.description ? h('p', { class: 'description' }, video.description) : null;
    details.replaceChildren(heading, meta, description ?? '');
    if (me === video.author) {
      const remove = deleteVideoButton(video, {
        text: 'Delete video',
        onDeleted: () => navigate(`/u/${encodeURIComponent(me)}`, true),
        errorPlace: () => details,
      });
      details.append(h('div', { class: 'actions' }, remove));
    }
    details.setAttribute('aria-busy', 'false');
    main.append(comments(video, me));
  }

  // Leaving the page stops the player and lets its connection go.
  return () => {
    const player = stage.querySelector('video');
    if (player) {
      player.pause();
      player.removeAttribute('src');
      player.load();
    }
  };
}
