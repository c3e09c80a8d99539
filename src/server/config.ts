/**
 * Configuration, read once: environment variables prefixed HB_ (plus the conventional
 * DATABASE_URL) overlaid by command-line flags, validated with zod into one typed object.
 * Nothing else in the code base reads process.env.
 */
import { z } from 'zod';

const schema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  host: z.string().min(1).default('127.0.0.1'),
  dataDir: z.string().min(1).default('./data'),
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Residents of the demo district seeded into an empty embedded database by `npm start`; 0 = none. */
  demoResidents: z.coerce.number().int().min(0).default(5000),
  demoYears: z.coerce.number().int().min(1).max(10).default(2),
  baseUrl: z.string().url().optional(),
  poolSize: z.coerce.number().int().min(1).max(200).default(10),
  /** Server processes sharing the port (node:cluster); more than one needs PostgreSQL. */
  workers: z.coerce.number().int().min(1).max(64).default(1),
  /** HS256 key for access tokens; when absent one is generated on first start and kept in the database. */
  jwtSecret: z.string().min(32, 'must have at least 32 characters').optional(),
  /** Access-token lifetime in seconds. */
  accessTokenSeconds: z.coerce.number().int().min(30).max(86400).default(900),
  /** Daily outbreak-detection run at HH:MM China Standard Time for the previous day, or "off". */
  surveillanceRunAt: z.string().regex(/^(off|([01]\d|2[0-3]):[0-5]\d)$/, 'must be HH:MM or off').default('01:00'),
  /** Daily risk assessment of every resident (newest trained model, asOf = the run date in UTC+8) at HH:MM China Standard Time, or "off". */
  riskRunAt: z.string().regex(/^(off|([01]\d|2[0-3]):[0-5]\d)$/, 'must be HH:MM or off').default('02:00'),
  /** Daily refresh of the chronic-care village rollup (today and the last month end, UTC+8) at HH:MM China Standard Time, or "off". */
  chronicRollupAt: z.string().regex(/^(off|([01]\d|2[0-3]):[0-5]\d)$/, 'must be HH:MM or off').default('03:00'),
  /**
   * Real-time MPI: a broad name block (pinyin + sex, given name + birth year) larger than this is not
   * read on a Patient write when the record has a narrower key (docs/mpi.md "Measured (real time)"):
   * lower is faster on a large register, higher compares more common names.
   */
  mpiBroadBlockSize: z.coerce.number().int().min(1).max(1000).default(100),
  /** JSON file of the district's chronic-care follow-up rules (docs/chronic-care.md "District rules"); unset = the national standard. */
  chronicRules: z.string().min(1).optional(),
  /** JSON file of the notifiable diseases and syndromes and their detection (docs/surveillance.md); unset = the built-in list. */
  surveillanceDiseases: z.string().min(1).optional(),
  /** OpenID Connect login (docs/access.md "OpenID Connect"): off while the issuer is unset. https, or http on localhost. */
  oidcIssuer: z.string().url().refine((u) => /^https:\/\//.test(u) || /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/.test(u), 'must be an https:// URL (http:// only on localhost)').optional(),
  oidcClientId: z.string().min(1).optional(),
  oidcClientSecret: z.string().min(1).optional(),
  /** Redirect URI registered at the identity provider; default <base>/auth/oidc/callback. */
  oidcRedirectUrl: z.string().url().optional(),
  /** Claim naming the local account on a subject's first login (e.g. preferred_username); unset = operator links only. */
  oidcUsernameClaim: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be a claim name').optional(),
  /** Name of the identity provider on the login button. */
  oidcName: z.string().min(1).max(60).optional(),
  /** Hardening (docs/access.md "Hardening"): origins allowed to call the API from a browser (comma-separated); empty = CORS off. */
  corsOrigins: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean))
    .refine((list) => list.every((o) => /^https?:\/\/[^/\s]+$/.test(o)), 'must be origins like https://his.example.org, comma-separated'),
  /** Strict-Transport-Security max-age in seconds (only behind HTTPS); 0 = no HSTS header. */
  hstsSeconds: z.coerce.number().int().min(0).max(63072000).default(0),
  /** Requests per client (signed-in principal, else IP) per window on every route; 0 = no rate limit at all. */
  rateLimitMax: z.coerce.number().int().min(0).default(6000),
  /** Requests per IP per window on /auth/login and /oauth2/token. */
  rateLimitLoginMax: z.coerce.number().int().min(1).default(30),
  rateLimitWindowSeconds: z.coerce.number().int().min(1).max(86400).default(60),
  /** Largest request body in bytes (JSON of the non-FHIR APIs). */
  bodyLimit: z.coerce.number().int().min(1024).default(1024 * 1024),
  /** Largest body of /fhir requests (transaction bundles); $import streams NDJSON and is not bound by it. */
  fhirBodyLimit: z.coerce.number().int().min(1024).default(64 * 1024 * 1024),
  /** Trust X-Forwarded-For from a reverse proxy: off, true (any), or comma-separated proxy addresses/CIDRs. */
  trustProxy: z.string().default('off'),
});

export type Config = z.infer<typeof schema>;

/** Flags as the CLI passes them (undefined = not given). */
export type ConfigFlags = Partial<Record<keyof Config, string | number | undefined>>;

/** Builds the configuration from `env` (process.env by the caller) and CLI flags; throws one line per bad field. */
export function loadConfig(env: Record<string, string | undefined>, flags: ConfigFlags = {}): Config {
  const fromEnv: ConfigFlags = {
    port: env.HB_PORT,
    host: env.HB_HOST,
    dataDir: env.HB_DATA_DIR,
    databaseUrl: env.HB_DATABASE_URL ?? env.DATABASE_URL,
    logLevel: env.HB_LOG_LEVEL,
    demoResidents: env.HB_DEMO_RESIDENTS,
    demoYears: env.HB_DEMO_YEARS,
    baseUrl: env.HB_BASE_URL,
    poolSize: env.HB_POOL_SIZE,
    workers: env.HB_WORKERS,
    jwtSecret: env.HB_JWT_SECRET,
    accessTokenSeconds: env.HB_ACCESS_TOKEN_SECONDS,
    surveillanceRunAt: env.HB_SURVEILLANCE_RUN_AT,
    riskRunAt: env.HB_RISK_RUN_AT,
    chronicRollupAt: env.HB_CHRONIC_ROLLUP_AT,
    chronicRules: env.HB_CHRONIC_RULES,
    surveillanceDiseases: env.HB_SURVEILLANCE_DISEASES,
    mpiBroadBlockSize: env.HB_MPI_BROAD_BLOCK_SIZE,
    oidcIssuer: env.HB_OIDC_ISSUER,
    oidcClientId: env.HB_OIDC_CLIENT_ID,
    oidcClientSecret: env.HB_OIDC_CLIENT_SECRET,
    oidcRedirectUrl: env.HB_OIDC_REDIRECT_URL,
    oidcUsernameClaim: env.HB_OIDC_USERNAME_CLAIM,
    oidcName: env.HB_OIDC_NAME,
    corsOrigins: env.HB_CORS_ORIGINS,
    hstsSeconds: env.HB_HSTS_SECONDS,
    rateLimitMax: env.HB_RATE_LIMIT_MAX,
    rateLimitLoginMax: env.HB_RATE_LIMIT_LOGIN_MAX,
    rateLimitWindowSeconds: env.HB_RATE_LIMIT_WINDOW_SECONDS,
    bodyLimit: env.HB_BODY_LIMIT,
    fhirBodyLimit: env.HB_FHIR_BODY_LIMIT,
    trustProxy: env.HB_TRUST_PROXY,
  };
  const merged: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fromEnv)) if (v !== undefined && v !== '') merged[k] = v;
  for (const [k, v] of Object.entries(flags)) if (v !== undefined && v !== '') merged[k] = v;
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid configuration: ${issue.path.join('.')}: ${issue.message}`);
  }
  if (parsed.data.oidcIssuer && !parsed.data.oidcClientId) throw new Error('invalid configuration: oidcClientId: HB_OIDC_CLIENT_ID is required when HB_OIDC_ISSUER is set');
  return parsed.data;
}
