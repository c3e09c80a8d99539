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
  /** HS256 key for access tokens; when absent one is generated on first start and kept in the database. */
  jwtSecret: z.string().min(32, 'must have at least 32 characters').optional(),
  /** Access-token lifetime in seconds. */
  accessTokenSeconds: z.coerce.number().int().min(30).max(86400).default(900),
  /** Daily outbreak-detection run at HH:MM China Standard Time for the previous day, or "off". */
  surveillanceRunAt: z.string().regex(/^(off|([01]\d|2[0-3]):[0-5]\d)$/, 'must be HH:MM or off').default('01:00'),
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
    jwtSecret: env.HB_JWT_SECRET,
    accessTokenSeconds: env.HB_ACCESS_TOKEN_SECONDS,
    surveillanceRunAt: env.HB_SURVEILLANCE_RUN_AT,
  };
  const merged: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fromEnv)) if (v !== undefined && v !== '') merged[k] = v;
  for (const [k, v] of Object.entries(flags)) if (v !== undefined && v !== '') merged[k] = v;
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid configuration: ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}
