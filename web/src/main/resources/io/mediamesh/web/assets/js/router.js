// Client-side navigation: the gateway answers every page route with index.html, and this picks the
// page from the path. Links to the site's own pages change the page without a reload.

const routes = [];
let current = { leave: () => {} };

/** Registers a page: pattern like '/u/:name', page(main, params) returns an optional leave(). */
export function route(pattern, page) {
  const names = [];
  const source = pattern.replace(/:([a-z]+)/g, (_, name) => {
    names.push(name);
    return '([^/]+)';
  });
  routes.push({ regex: new RegExp('^' + source + '$'), names, page });
}

/**
 * A page whose module loads when it is first opened: {@code load} resolves to the page function.
 * Keeps pages few visitors open (the admin console) out of every other page's load.
 */
export function lazy(load) {
  return (main, params, query) => {
    let left = false;
    let leave = null;
    load().then((page) => {
      if (!left) {
        leave = page(main, params, query);
      }
    });
    return () => {
      left = true;
      if (typeof leave === 'function') {
        leave();
      }
    };
  };
}

/** Goes to {@code path} of this site, adding a history entry unless {@code replace}. */
export function navigate(path, replace = false) {
  if (replace) {
    history.replaceState(null, '', path);
  } else {
    history.pushState(null, '', path);
  }
  render();
}

/** The current path and query, for coming back after signing in. */
export function here() {
  return location.pathname + location.search;
}

function match(path) {
  for (const { regex, names, page } of routes) {
    const found = regex.exec(path);
    if (found) {
      const params = {};
      names.forEach((name, i) => {
        params[name] = decodeURIComponent(found[i + 1]);
      });
      return { page, params };
    }
  }
  return null;
}

export function render() {
  const main = document.getElementById('main');
  current.leave();
  current = { leave: () => {} };
  const found = match(location.pathname);
  main.replaceChildren();
  if (!found) {
    const heading = document.createElement('h1');
    heading.textContent = 'Page not found';
    main.append(heading);
    return;
  }
  const leave = found.page(main, found.params, new URLSearchParams(location.search));
  if (typeof leave === 'function') {
    current.leave = leave;
  }
}

/** Follows same-site links in place; others (new tab, modifier keys, downloads) as the browser would. */
export function start() {
  document.addEventListener('click', (event) => {
    const link = event.target.closest('a[href]');
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey || link.target || link.hasAttribute('download')) {
      return;
    }
    const url = new URL(link.href);
    if (url.origin !== location.origin || !match(url.pathname)) {
      return;
    }
    event.preventDefault();
    if (url.hash && url.pathname === location.pathname) {
      document.getElementById(url.hash.slice(1))?.focus();
      return;
    }
    navigate(url.pathname + url.search);
    document.getElementById('main').focus({ preventScroll: true });
    window.scrollTo(0, 0);
  });
  window.addEventListener('popstate', render);
  render();
}
