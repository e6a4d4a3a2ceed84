// A real OpenID Connect provider (panva's oidc-provider) for mentorprep's sign-in tests.
//
//   node provider.mjs <port> <accounts.json> <client_id> <client_secret> <redirect_uri>...
//
// accounts.json is a list of {sub, email, email_verified, name}; it is read again at every
// sign-in and every claims lookup, so a test can change an address "at the provider" between two
// sign-ins. The provider's own login page asks for an account (its sub or its e-mail) and a
// password (any): the browser, or a test's HTTP client, types it there. Consent is implied for
// the one client (openid email profile), as an organisation's own provider does for its apps.
// Prints "ready <issuer>" on stdout once it listens.
import { readFileSync } from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const [port, accountsFile, clientId, clientSecret, ...redirectUris] = process.argv.slice(2);
if (!port || !accountsFile || !clientId || !clientSecret || redirectUris.length === 0) {
  console.error('usage: node provider.mjs <port> <accounts.json> <client_id> <client_secret> <redirect_uri>...');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;

const accounts = () => JSON.parse(readFileSync(accountsFile, 'utf8'));
const byLogin = (login) => {
  const typed = String(login || '').trim();
  return accounts().find((a) => a.sub === typed || a.email === typed);
};

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: redirectUris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  scopes: ['openid', 'email', 'profile'],
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['mentorprep-test-provider-only'] },
  async findAccount(ctx, sub) {
    if (!accounts().some((a) => a.sub === sub)) return undefined;
    return {
      accountId: sub,
      async claims() {
        // read at the time the claims are given: a changed address shows at once
        const account = accounts().find((a) => a.sub === sub) || { sub };
        return {
          sub,
          email: account.email,
          email_verified: account.email_verified,
          name: account.name || account.email,
        };
      },
    };
  },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});

function loginPage(uid, problem = '') {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test university sign-in</title></head>
<body><main>
<h1>Test university sign-in</h1>
${problem ? `<p role="alert">${escape(problem)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
  <label for="login">Account</label> <input id="login" name="login" autocomplete="off" required>
  <label for="password">Password</label> <input id="password" name="password" type="password">
  <button type="submit">Sign in at the provider</button>
</form>
<p><a href="/interaction/${escape(uid)}/abort">Cancel</a></p>
</main></body></html>`;
}

function readForm(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });
}

const handle = provider.callback();

const server = http.createServer(async (req, res) => {
  if (req.url === '/favicon.ico') { // no icon, and no "404" in the browser's console
    res.writeHead(204);
    res.end();
    return;
  }
  const match = req.url.match(/^\/interaction\/([^/?]+)(\/login|\/abort)?/);
  if (!match) {
    handle(req, res);
    return;
  }
  try {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== match[1]) throw new Error('unknown interaction');
    if (match[2] === '/abort') {
      await provider.interactionFinished(req, res, {
        error: 'access_denied', error_description: 'The person cancelled at the provider.',
      }, { mergeWithLastSubmission: false });
      return;
    }
    if (req.method === 'POST' && match[2] === '/login') {
      const form = await readForm(req);
      const account = byLogin(form.get('login'));
      if (!account) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(loginPage(details.uid, 'No such account at this provider.'));
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId: account.sub } }, {
        mergeWithLastSubmission: false,
      });
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(loginPage(details.uid));
  } catch (err) {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`Sign-in failed at the provider: ${err.message}`);
  }
});

server.listen(Number(port), '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
