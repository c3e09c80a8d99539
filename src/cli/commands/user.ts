/**
 * `healthy-brain user add`: create an account (operators and scripts), and `healthy-brain client
 * add`: register a machine client for OAuth2 client credentials. Passwords come from stdin only,
 * so they never appear in the process list or shell history; nothing secret is logged.
 */
import type { Command } from 'commander';
import { AccessService, ROLES, linkOidcSubject, unlinkOidcSubject } from '../../foundation/access/index.js';
import { OperationOutcomeError } from '../../foundation/fhir/index.js';
import { loadConfig, openConfiguredDatabase } from '../../server/index.js';
import type { Database } from '../../foundation/db/index.js';

/** Reads all of stdin and returns its first line (without the line end). */
async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
}

/** Runs `work` with an AccessService over the configured database; prints OperationOutcome errors as one line. */
async function withAccess(opts: { data?: string; databaseUrl?: string }, work: (access: AccessService, env: { db: Database; oidcIssuer?: string }) => Promise<void>): Promise<void> {
  const config = loadConfig(process.env, { dataDir: opts.data, databaseUrl: opts.databaseUrl, logLevel: 'warn' });
  const database = await openConfiguredDatabase(config);
  try {
    await work(await AccessService.create({ db: database.db, secret: config.jwtSecret }), { db: database.db, oidcIssuer: config.oidcIssuer });
  } catch (err) {
    if (!(err instanceof OperationOutcomeError)) throw err;
    console.error(`error: ${err.outcome.issue?.[0]?.details?.text ?? err.message}`);
    process.exitCode = 1;
  } finally {
    await database.close();
  }
}

/** Registers the `user` and `client` commands. */
export function registerUser(program: Command): void {
  const user = program.command('user').description('manage user accounts');
  user
    .command('add')
    .description('create a user account with one role grant')
    .requiredOption('--username <name>', 'login name')
    .requiredOption('--role <role>', `one of: ${ROLES.join(', ')}`)
    .option('--org <code>', 'org unit the role is bound to (e.g. village 330109001001); omitted = the whole platform')
    .option('--care-team <id>', 'family-doctor team (CareTeam id) the role is bound to, instead of an org unit')
    .option('--display-name <name>', 'name shown in the web app')
    .option('--password-stdin', 'read the password from the first line of stdin (required unless --oidc-subject)')
    .option('--oidc-subject <sub>', 'link the account to this subject of the OpenID Connect issuer (HB_OIDC_ISSUER); without --password-stdin the account has no password')
    .option('--data <dir>', 'PGlite data directory (default ./data)')
    .option('--database-url <url>', 'PostgreSQL URL instead of PGlite')
    .action(async (opts: { username: string; role: string; org?: string; careTeam?: string; displayName?: string; passwordStdin?: boolean; oidcSubject?: string; data?: string; databaseUrl?: string }) => {
      if (!opts.passwordStdin && !opts.oidcSubject) {
        console.error('error: give the password on stdin with --password-stdin (or link an OpenID Connect subject with --oidc-subject)');
        process.exitCode = 1;
        return;
      }
      const password = opts.passwordStdin ? await readStdinLine() : null;
      await withAccess(opts, async (access, env) => {
        if (opts.oidcSubject && !env.oidcIssuer) {
          console.error('error: --oidc-subject needs HB_OIDC_ISSUER');
          process.exitCode = 1;
          return;
        }
        await access.createUser({ username: opts.username, password, role: opts.role, orgUnit: opts.org ?? null, careTeam: opts.careTeam ?? null, displayName: opts.displayName });
        if (opts.oidcSubject) await linkOidcSubject(env.db, { username: opts.username, issuer: env.oidcIssuer!, subject: opts.oidcSubject });
        console.log(`created user ${opts.username} (${opts.role}${opts.org ? ` in ${opts.org}` : opts.careTeam ? ` of care team ${opts.careTeam}` : ', platform-wide'})${opts.oidcSubject ? ', linked to its OpenID Connect subject' : ''}`);
      });
    });

  user
    .command('link-oidc')
    .description('link an existing account to a subject of the OpenID Connect issuer (HB_OIDC_ISSUER), or --remove the link')
    .requiredOption('--username <name>', 'login name of the local account')
    .option('--subject <sub>', 'the "sub" claim the identity provider issues for this person')
    .option('--remove', 'remove the account\'s link to the issuer instead')
    .option('--data <dir>', 'PGlite data directory (default ./data)')
    .option('--database-url <url>', 'PostgreSQL URL instead of PGlite')
    .action(async (opts: { username: string; subject?: string; remove?: boolean; data?: string; databaseUrl?: string }) => {
      await withAccess(opts, async (_access, env) => {
        if (!env.oidcIssuer || (!opts.subject && !opts.remove)) {
          console.error(env.oidcIssuer ? 'error: give --subject SUB or --remove' : 'error: set HB_OIDC_ISSUER first');
          process.exitCode = 1;
          return;
        }
        if (opts.remove) {
          const removed = await unlinkOidcSubject(env.db, { username: opts.username, issuer: env.oidcIssuer });
          console.log(removed ? `unlinked ${opts.username}` : `${opts.username} had no link to ${env.oidcIssuer}`);
          return;
        }
        await linkOidcSubject(env.db, { username: opts.username, issuer: env.oidcIssuer, subject: opts.subject! });
        console.log(`linked ${opts.username} to subject ${opts.subject} of ${env.oidcIssuer}`);
      });
    });

  const client = program.command('client').description('manage OAuth2 machine clients');
  client
    .command('add')
    .description('register a machine client (client credentials); prints its secret once')
    .requiredOption('--id <clientId>', 'client id')
    .option('--role <role>', 'role of the client', 'system-integrator')
    .option('--org <code>', 'org unit the client is bound to; omitted = the whole platform')
    .option('--scope <scopes>', 'space-separated system/<Type|*>.<read|write|*> scopes', 'system/*.write')
    .option('--data <dir>', 'PGlite data directory (default ./data)')
    .option('--database-url <url>', 'PostgreSQL URL instead of PGlite')
    .action(async (opts: { id: string; role: string; org?: string; scope: string; data?: string; databaseUrl?: string }) => {
      await withAccess(opts, async (access) => {
        const { clientSecret } = await access.createClient({ clientId: opts.id, role: opts.role, orgUnit: opts.org ?? null, scopes: opts.scope.split(/\s+/).filter(Boolean) });
        console.log(`client_id=${opts.id}\nclient_secret=${clientSecret}\n(the secret is shown only now)`);
      });
    });
}
