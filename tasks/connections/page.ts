/**
 * The connections page: sign in, then the user's provider connections, each with its status, the
 * reasons when it is not CONNECTED, and its resources (active, and skipped with the reason). All
 * data is put into the page with textContent (never as HTML) after control and format characters
 * are made visible and long strings cut, each inside a <bdi>. One inline script under a nonce,
 * talking to this origin and Cognito only.
 */
import { htmlPage, type Page } from '../shared/html.ts';
import { type SignInConfig, signInScript } from '../shared/sign-in-script.ts';

const STYLE = `body { font-family: system-ui, sans-serif; max-width: 48rem; margin: 3rem auto; padding: 0 1rem; color: #1b1f24; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-bottom: .3rem; } h3 { font-size: 1rem; margin: 1rem 0 .3rem; }
form { display: grid; gap: .6rem; max-width: 24rem; } input { padding: .5rem; font-size: 1rem; }
button { padding: .5rem 1rem; font-size: 1rem; cursor: pointer; } .connection { border: 1px solid #d0d7de; border-radius: 6px; padding: 1rem; margin-top: 1rem; }
.status { font-weight: 600; } .reasons { color: #9a6700; } ul { padding-left: 1.2rem; } li { margin: .2rem 0; }
.skip { color: #57606a; } .actions { display: flex; gap: .5rem; margin-top: .8rem; } [hidden] { display: none; }`;

export function connectionsPage(config: SignInConfig): Page {
  const main = `<h1>Your connections</h1>
<form id="sign-in" aria-label="Sign in">
<label>Email <input name="email" type="email" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>
<section id="app" hidden aria-label="Connections">
<p id="signed-in"></p>
<button id="connect" type="button">Connect your provider account</button>
<div id="connections"></div>
</section>
<p role="status" id="status" aria-live="polite"></p>`;
  return htmlPage({
    statusCode: 200,
    title: 'Your connections',
    style: STYLE,
    main,
    noindex: true,
    script: {
      connect: ["'self'", new URL(config.cognitoEndpoint).origin],
      code: signInScript(config) + PAGE_SCRIPT,
    },
  });
}

const PAGE_SCRIPT = `
const $ = (id) => document.getElementById(id);
const status = (text) => { $('status').textContent = text; };
const INVISIBLE = /[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]/gu;
function shown(text, max) {
  const visible = [...String(text ?? '').normalize('NFC').replace(INVISIBLE, '\\uFFFD')];
  const bdi = document.createElement('bdi');
  bdi.textContent = visible.length <= max ? visible.join('') : visible.slice(0, max - 1).join('') + '…';
  return bdi;
}
function element(tag, ...children) {
  const node = document.createElement(tag);
  for (const child of children) node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  return node;
}
async function api(method, path) {
  const response = await fetch(path, { method, headers: { authorization: 'Bearer ' + savedToken(), accept: 'application/json' } });
  const answer = await response.json().catch(() => ({}));
  if (response.status === 401) { sessionStorage.removeItem('idToken'); location.reload(); }
  if (!response.ok) throw new Error(answer.message || 'The request failed (' + response.status + ').');
  return answer;
}
function resourceList(title, resources, withReason) {
  const section = element('section', element('h3', title + ' (' + resources.length + ')'));
  const list = element('ul');
  for (const resource of resources) {
    const item = element('li', shown(resource.name || resource.resourceId, 120), ' — ' + resource.kind);
    if (withReason) item.append(element('span', ': '), Object.assign(shown(resource.skipReason, 200), { className: 'skip' }));
    list.append(item);
  }
  section.append(list);
  return section;
}
function render(connections) {
  const box = $('connections');
  box.replaceChildren();
  if (connections.length === 0) box.append(element('p', 'No connections yet.'));
  for (const c of connections) {
    const card = element('article', element('h2', shown(c.displayName || c.connectionId, 80)));
    card.className = 'connection';
    card.dataset.connection = c.connectionId;
    card.append(element('p', 'Status: ', Object.assign(element('span', c.status), { className: 'status' })));
    if (c.statusReasons.length) card.append(Object.assign(element('p', shown(c.statusReasons.join('; '), 300)), { className: 'reasons' }));
    if (c.stalled) card.append(Object.assign(element('p', 'Discovery did not finish. Use Discover again.'), { className: 'reasons' }));
    if (c.status !== 'REVOKED') {
      card.append(resourceList('Active resources', c.active, false), resourceList('Skipped resources', c.skipped, true));
      const actions = element('div');
      actions.className = 'actions';
      const again = element('button', 'Discover again');
      again.addEventListener('click', () => act('discover', c.connectionId));
      const disconnect = element('button', 'Disconnect');
      disconnect.addEventListener('click', () => { if (confirm('Disconnect this account? The app forgets its tokens and resources.')) act('disconnect', c.connectionId); });
      actions.append(again, disconnect);
      card.append(actions);
    }
    box.append(card);
  }
}
const busy = (c) => c.status === 'DISCOVERING' && !c.stalled;
async function refresh(until) {
  for (let attempt = 0; attempt < 120; attempt++) {
    const { connections } = await api('GET', '/api/connections');
    render(connections);
    if (!until || until(connections)) return connections;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  status('Still working; reload the page later to see the result.');
}
async function act(action, id) {
  try {
    status(action === 'discover' ? 'Discovering your resources…' : 'Disconnecting…');
    await api('POST', '/api/connections/' + encodeURIComponent(id) + '/' + action);
    const done = (list) => {
      const c = list.find((x) => x.connectionId === id);
      return c && (action === 'disconnect' ? c.status === 'REVOKED' : !busy(c));
    };
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (await refresh(done)) status(action === 'discover' ? 'Discovery finished.' : 'Disconnected.');
  } catch (error) { status(error.message); }
}
async function signedIn(token) {
  $('sign-in').hidden = true;
  $('app').hidden = false;
  $('signed-in').textContent = 'Signed in as ' + claims(token).email + '.';
  const params = new URLSearchParams(location.search);
  const id = params.get('connection');
  if (id) {
    history.replaceState(null, '', location.pathname);
    status('Connected. Discovering your resources…');
    const list = await refresh((l) => { const c = l.find((x) => x.connectionId === id); return c && !busy(c); });
    const c = list && list.find((x) => x.connectionId === id);
    if (c) status('Discovery finished: ' + c.status + '.');
  } else {
    await refresh();
  }
}
$('sign-in').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  status('Signing in…');
  try { const token = await signIn(form.get('email'), form.get('password')); status(''); await signedIn(token); }
  catch (error) { status(error.message); }
});
$('connect').addEventListener('click', async () => {
  try {
    status('Taking you to the provider…');
    const { location: target } = await api('GET', '/auth/start?returnTo=' + encodeURIComponent('/connections'));
    window.location.assign(target);
  } catch (error) { status(error.message); }
});
const saved = savedToken();
if (saved) signedIn(saved).catch((error) => status(error.message));
`;
