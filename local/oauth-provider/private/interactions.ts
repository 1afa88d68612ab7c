/**
 * The provider's own interaction pages at `/interaction/:uid` (oidc-provider's devInteractions are
 * off): a sign-in page (username and password; being a sandbox it lists its accounts and their
 * passwords), and a consent page (the client, each requested scope in plain English, Allow or
 * Deny). Allow records a grant for the missing scopes; Deny ends the request with `access_denied`
 * at the client's redirect URI. A wrong password re-renders the page with a message, never with the
 * password.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Interaction, Provider } from 'oidc-provider';
import { z } from 'zod';
import { escapeHtml, renderPage } from './html.ts';
import { BadRequest, readForm } from './http.ts';
import { SANDBOX_USERS, SCOPE_DESCRIPTIONS, userBySub, userByUsername } from './sandbox-data.ts';

export interface InteractionContext {
  readonly provider: Provider;
  /** Origins a form's redirect chain may end at (the app's callback URLs). */
  readonly formActionOrigins: readonly string[];
}

const loginForm = z.object({ username: z.string().max(200), password: z.string().max(200) });
const ROUTE = /^\/interaction\/([A-Za-z0-9_-]{1,100})(?:\/(login|confirm|abort))?$/;

/** Answers a request under `/interaction/`. */
export async function handleInteraction(
  context: InteractionContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const match = ROUTE.exec(path);
  const action = match?.[2];
  const expectedMethod = action === undefined ? 'GET' : 'POST';
  if (!match || req.method !== expectedMethod) {
    return sendPage(context, res, 404, 'Not found', '<p>There is no such page on the sandbox provider.</p>');
  }
  let interaction: Interaction;
  try {
    interaction = await context.provider.interactionDetails(req, res);
  } catch {
    return sendExpired(context, res);
  }
  if (interaction.uid !== match[1]) return sendExpired(context, res);
  try {
    switch (action) {
      case undefined:
        return await showPrompt(context, interaction, res);
      case 'login':
        return await login(context, interaction, req, res);
      case 'confirm':
        return await finish(context, req, res, {
          consent: { grantId: await grantConsent(context, interaction) },
        });
      default:
        return await finish(context, req, res, {
          error: 'access_denied',
          error_description: 'The user denied the request.',
        });
    }
  } catch (error) {
    if (error instanceof BadRequest) {
      return sendPage(context, res, error.status, 'Bad request', `<p>${escapeHtml(error.message)}</p>`);
    }
    throw error;
  }
}

async function showPrompt(context: InteractionContext, interaction: Interaction, res: ServerResponse) {
  if (interaction.prompt.name === 'login') return sendLogin(context, res, interaction.uid, 200);
  if (interaction.prompt.name === 'consent') return sendConsent(context, res, interaction);
  return sendPage(
    context,
    res,
    400,
    'Unsupported prompt',
    `<p>The sandbox cannot handle the prompt ${escapeHtml(interaction.prompt.name)}.</p>`,
  );
}

async function login(
  context: InteractionContext,
  interaction: Interaction,
  req: IncomingMessage,
  res: ServerResponse,
) {
  if (interaction.prompt.name !== 'login') throw new BadRequest('This request is not waiting for a sign-in.');
  const form = await readForm(req, loginForm);
  const user = userByUsername(form.username);
  if (!user || user.password !== form.password) {
    return sendLogin(
      context,
      res,
      interaction.uid,
      400,
      form.username,
      'That username and password do not match.',
    );
  }
  return finish(context, req, res, { login: { accountId: user.sub } });
}

async function grantConsent(context: InteractionContext, interaction: Interaction): Promise<string> {
  if (interaction.prompt.name !== 'consent' || !interaction.session) {
    throw new BadRequest('This request is not waiting for consent.');
  }
  const { Grant } = context.provider;
  const clientId = String(interaction.params.client_id);
  const existing = interaction.grantId ? await Grant.find(interaction.grantId) : undefined;
  const grant = existing ?? new Grant({ accountId: interaction.session.accountId, clientId });
  const { missingOIDCScope, missingOIDCClaims } = interaction.prompt.details;
  if (Array.isArray(missingOIDCScope)) grant.addOIDCScope(missingOIDCScope.join(' '));
  if (Array.isArray(missingOIDCClaims)) grant.addOIDCClaims(missingOIDCClaims.map(String));
  return grant.save();
}

async function finish(
  context: InteractionContext,
  req: IncomingMessage,
  res: ServerResponse,
  result: Readonly<Record<string, unknown>>,
): Promise<void> {
  const returnTo = await context.provider.interactionResult(req, res, result, {
    mergeWithLastSubmission: false,
  });
  res.writeHead(303, { Location: returnTo, 'Cache-Control': 'no-store', 'Content-Length': '0' });
  res.end();
}

function sendLogin(
  context: InteractionContext,
  res: ServerResponse,
  uid: string,
  status: number,
  username = '',
  message?: string,
): void {
  const accounts = SANDBOX_USERS.map(
    (user) => `<li>${escapeHtml(user.username)} / password ${escapeHtml(user.password)}</li>`,
  ).join('');
  const body = `${message ? `<p class="error" role="alert">${escapeHtml(message)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" required value="${escapeHtml(username)}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<div class="hint"><p>This is a sandbox provider. Its accounts:</p><ul>${accounts}</ul></div>`;
  sendPage(context, res, status, 'Sign in to the sandbox provider', body);
}

async function sendConsent(
  context: InteractionContext,
  res: ServerResponse,
  interaction: Interaction,
): Promise<void> {
  const clientId = String(interaction.params.client_id);
  const client = await context.provider.Client.find(clientId);
  const scopes = String(interaction.params.scope ?? '')
    .split(' ')
    .filter((scope) => scope !== '');
  const items = scopes
    .map((scope) => `<dt>${escapeHtml(scope)}</dt><dd>${escapeHtml(SCOPE_DESCRIPTIONS[scope] ?? scope)}</dd>`)
    .join('');
  const uid = escapeHtml(interaction.uid);
  const user = interaction.session ? userBySub(interaction.session.accountId) : undefined;
  const body = `<p>Signed in as ${escapeHtml(user?.name ?? 'an unknown account')}.</p>
<p><strong>${escapeHtml(client?.clientName ?? clientId)}</strong> asks to:</p>
<dl>${items}</dl>
<form method="post" action="/interaction/${uid}/confirm"><button type="submit">Allow</button></form>
<form method="post" action="/interaction/${uid}/abort"><button type="submit">Deny</button></form>`;
  sendPage(context, res, 200, 'Allow access?', body);
}

function sendExpired(context: InteractionContext, res: ServerResponse): void {
  sendPage(
    context,
    res,
    400,
    'Sign-in expired',
    '<p>This sign-in has expired or was already completed. Start again from the app.</p>',
  );
}

function sendPage(
  context: InteractionContext,
  res: ServerResponse,
  status: number,
  title: string,
  body: string,
) {
  const page = renderPage(title, body, context.formActionOrigins);
  res.writeHead(status, page.headers);
  res.end(page.body);
}
