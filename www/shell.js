// The page's built-in sign-in screen comes alive here, before the first paint: in the agent's
// language, with the remembered account, typing at once, the shortcuts' help, and a Sign in
// kept until the app is up. crates/app/src/bin/shell.rs inlines it as `(this function)(config)`,
// the config (ids, storage keys, words) taken from the app; crates/app/src/shell/take_over.rs
// takes over. If the app never comes, it says so and gives the Sign in button back.
(c) => {
  const get = (key) => {
    // Storage may be blocked (a sandboxed frame): then the app reads nothing either.
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  };
  const root = () => document.getElementById(c.id);
  const find = (el, id) => el.querySelector(`[data-testid="${id}"]`);
  const screens = { en: root().cloneNode(true) };
  for (const t of document.querySelectorAll(`template[id^="${c.id}-"]`)) {
    screens[t.id.slice(c.id.length + 1)] = t.content.firstElementChild;
  }
  // The app's rule (Lang::from_tag): a tag's first two letters, else English.
  const pick = (tag) => Object.keys(screens).find((l) => (tag || '').slice(0, 2).toLowerCase() === l) || 'en';
  let lang = 'en';
  // What the screen says of the app's code: null, 'slow' (a note) or 'failed' (for good).
  let loading = null;
  const busy = (el, on) => {
    const b = find(el, 'sign-in');
    if (on) el.dataset.pending = '';
    else delete el.dataset.pending;
    b.disabled = on;
    if (on) b.setAttribute('aria-busy', 'true');
    else b.removeAttribute('aria-busy');
    b.textContent = c.words[lang][on ? 'busy' : 'signIn'];
  };
  // The note under the button, in words; a failure brings a Reload.
  const say = (el) => {
    find(el, 'load-note')?.remove();
    if (!loading) return;
    const w = c.words[lang];
    const note = document.createElement('div');
    note.dataset.testid = 'load-note';
    note.className = `load-note ${loading}`;
    note.setAttribute('role', loading === 'failed' ? 'alert' : 'status');
    const p = document.createElement('p');
    p.className = loading === 'failed' ? 'error' : 'hint';
    p.textContent = w[loading];
    note.append(p);
    if (loading === 'failed') {
      const again = document.createElement('button');
      again.type = 'button';
      again.className = 'secondary';
      again.dataset.testid = 'reload';
      again.textContent = w.reload;
      again.addEventListener('click', () => location.reload());
      note.append(again);
    }
    find(el, 'sign-in').after(note);
  };
  // The help as the app draws it, opened where the app opens it (after the header).
  const help = (el, open) => {
    find(el, 'shortcuts-help')?.remove();
    const drawn = el.querySelector('template[data-help]');
    if (open) drawn.after(drawn.content.firstElementChild.cloneNode(true));
    find(el, 'help').setAttribute('aria-expanded', String(open));
  };
  // Swaps in the screen in `next`, keeping all the agent did on the one shown.
  const show = (next) => {
    const old = root();
    const el = screens[next].cloneNode(true);
    for (const i of old.querySelectorAll('input[data-testid]')) {
      const to = find(el, i.dataset.testid);
      to.value = i.value;
      to.checked = i.checked;
    }
    for (const d of old.querySelectorAll('details[open] > summary')) {
      find(el, d.dataset.testid).parentElement.open = true;
    }
    const focus = old.contains(document.activeElement) && document.activeElement.dataset.testid;
    lang = next;
    if ('pending' in old.dataset) busy(el, true);
    help(el, !!find(old, 'shortcuts-help'));
    say(el);
    if (window.parent !== window) el.classList.add('embedded');
    old.replaceWith(el);
    if (focus) find(el, focus)?.focus();
    document.documentElement.lang = next;
  };
  // The remembered account, as the app's Settings::load reads it.
  const remember = get(c.remember[1]) === c.remember[2];
  for (const [id, key, secret] of c.fields) {
    const v = secret && !remember ? null : get(key);
    if (v !== null) find(root(), id).value = v;
  }
  find(root(), c.remember[0]).checked = remember;
  // The app's rule (state::load_lang): the agent's choice in this browser, else the browser's.
  show(pick(get(c.lang) || navigator.language));
  document.addEventListener('submit', (e) => {
    const el = root();
    if (!el?.contains(e.target)) return;
    // Nowhere to go (method="post" with no action, for a page whose scripts never ran): the
    // app signs in with what was typed once it is up.
    e.preventDefault();
    // The app will not come: say so again rather than wait.
    if (loading === 'failed') say(el);
    else if (!('pending' in el.dataset)) busy(el, true);
  });
  document.addEventListener('click', (e) => {
    const el = root();
    const id = el?.contains(e.target) && e.target.closest('[data-testid]')?.dataset.testid;
    if (id === 'help') help(el, !find(el, 'shortcuts-help'));
    if (id === 'help-close') help(el, false);
  });
  document.addEventListener('change', (e) => {
    const el = root();
    if (!el?.contains(e.target) || e.target.dataset.testid !== 'language') return;
    try {
      localStorage.setItem(c.lang, e.target.value);
    } catch {}
    show(e.target.value);
  });
  const note = (what) => {
    const el = root();
    if (!el || loading === 'failed') return;
    loading = what;
    if (what === 'failed' && 'pending' in el.dataset) busy(el, false);
    say(el);
  };
  // The app's loader is trunk's module script after this one. Its import of the app's script
  // failing fires `error` at that script element; its wasm not fetched, compiled or started
  // rejects its top-level await, an uncaught error (ErrorEvent) here. Before the take-over
  // nothing else runs in this page (its policy admits no other script), so either means the
  // app will not come. A stylesheet or image that fails does not stop the app: not those.
  addEventListener(
    'error',
    (e) => {
      if (e instanceof ErrorEvent || e.target instanceof HTMLScriptElement) note('failed');
    },
    true,
  );
  if (typeof WebAssembly !== 'object') note('failed');
  setTimeout(() => loading || note('slow'), c.slowMs);
}
