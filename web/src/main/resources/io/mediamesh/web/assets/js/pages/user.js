// A user's page: their videos. On your own page also: create a video, upload its file, delete one.
import { api } from '../api.js';
import { h } from '../dom.js';
import { field, onSubmit } from '../components/form.js';
import { pagedList } from '../components/pagedList.js';
import { deleteVideoButton } from '../components/deleteVideo.js';
import { uploader } from '../components/uploader.js';
import { videoCard } from '../components/videoCard.js';
import { currentUser } from '../session.js';

const PAGE = 12;
const FIELDS = { INVALID_VIDEO_NAME: 'name', INVALID_DESCRIPTION: 'description', MISSING_FIELD: 'name' };

export function userPage(main, { name }) {
  document.title = `${name} · mediamesh`;
  const own = currentUser() === name;
  main.append(h('h1', {}, own ? `Your videos, ${name}` : `Videos by ${name}`));
  let list;

  const ownerActions = (video, control) => {
    const remove = deleteVideoButton(video, {
      label: `Delete ${video.name}`,
      text: 'Delete',
      onDeleted: () => control.remove(remove.closest('li')),
      errorPlace: () => remove.closest('article'),
    });
    const actions = [remove];
    if (video.state !== 'ready') {
      const upload = h('button', { type: 'button' }, 'Upload file');
      upload.addEventListener('click', () => {
        upload.remove();
        remove.closest('article').append(uploader(video.id, () => list.reload()));
      });
      actions.unshift(upload);
    }
    return actions;
  };

  if (own) {
    const form = h('form', { class: 'card form create', 'aria-labelledby': 'create-title', novalidate: true },
      h('h2', { id: 'create-title' }, 'New video'),
      field({ name: 'name', label: 'Title', required: true, maxlength: 200 }),
      field({ name: 'description', label: 'Description (optional)', multiline: true, rows: 3, maxlength: 5000 }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit' }, 'Create')));
    const slot = h('div', { class: 'new-upload' });
    onSubmit(form, FIELDS, async (data) => {
      const video = await api.createVideo(name, {
        name: String(data.get('name')).trim(),
        description: String(data.get('description')).trim(),
      });
      form.reset();
      slot.replaceChildren(h('article', { class: 'card' },
        h('h3', {}, `Upload the file of “${video.name}”`),
        uploader(video.id, () => list.reload())));
      slot.querySelector('input[type=file]').focus();
      list.reload();
    });
    main.append(form, slot);
  }

  list = pagedList({
    label: `Videos by ${name}`,
    load: async (cursor) => {
      const page = await api.userVideos(name, PAGE, cursor);
      return { items: page.videos, next: page.next_cursor };
    },
    item: (video, control) => videoCard(video, own ? ownerActions(video, control) : []),
    empty: own ? 'You have no videos yet. Create one above.' : `${name} has no videos yet.`,
  });
  main.append(list.root);
}
