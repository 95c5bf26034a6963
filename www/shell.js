// The page's built-in sign-in screen comes alive here, before the first paint: in the agent's
// language, with the remembered account, typing at once, and a Sign in kept until the app is
// up. crates/app/src/bin/shell.rs inlines it as `(this function)(config)`, the config (ids,
// storage keys, words) taken from the app; crates/app/src/shell/take_over.rs takes over.
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
  const busy = (el) => {
    const b = find(el, 'sign-in');
    el.dataset.pending = '';
    b.disabled = true;
    b.setAttribute('aria-busy', 'true');
    b.textContent = c.busy[lang];
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
    if ('pending' in old.dataset) busy(el);
    if (window.parent !== window) el.classList.add('embedded');
    old.replaceWith(el);
    if (focus) find(el, focus).focus();
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
    if (!('pending' in el.dataset)) busy(el);
  });
  document.addEventListener('change', (e) => {
    const el = root();
    if (!el?.contains(e.target) || e.target.dataset.testid !== 'language') return;
    try {
      localStorage.setItem(c.lang, e.target.value);
    } catch {}
    show(e.target.value);
  });
}
