// Home: the newest ready videos of everyone, a page at a time.
import { api } from '../api.js';
import { h } from '../dom.js';
import { pagedList } from '../components/pagedList.js';
import { videoCard } from '../components/videoCard.js';

const PAGE = 12;

export function homePage(main) {
  document.title = 'mediamesh';
  const list = pagedList({
    label: 'Newest videos',
    load: async (cursor) => {
      const page = await api.feed(PAGE, cursor);
      return { items: page.videos, next: page.next_cursor };
    },
    item: (video) => videoCard(video),
    empty: 'No videos yet. Sign up and upload the first one.',
  });
  main.append(h('h1', {}, 'Newest videos'), list.root);
}
