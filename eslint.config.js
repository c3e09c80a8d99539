// Lint, including the layer map of ../shared/DESIGN.md:
//   foundation  <-  care | publichealth | healthmgmt | cockpit  <-  server, cli, simulate
// Domain modules never import one another; every module is entered through its index.ts;
// pure engines (detectors, risk models) import no I/O at all.
import tseslint from 'typescript-eslint';

const DOMAINS = ['care', 'publichealth', 'healthmgmt', 'cockpit'];
const io = ['node:fs', 'node:fs/promises', 'fs', 'pg', 'kysely', '@electric-sql/pglite', 'fastify', 'node:http', 'node:child_process'];

/** Cross-module imports must go through a module's index.js, e.g. ../foundation/fhir/index.js. */
const deepFoundation = {
  regex: String.raw`foundation/[a-z-]+/(?!index\.js$).+`,
  message: 'Import another module only through its index.js (DESIGN.md convention 1).',
};

function domainRule(name) {
  const others = DOMAINS.filter((d) => d !== name);
  return {
    files: [`src/${name}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            deepFoundation,
            {
              regex: String.raw`^(\.\./)+(${others.join('|')}|server|cli|simulate)(/|$)`,
              message: `Domain module ${name} must not depend on other domain modules, the server or the CLI.`,
            },
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  // web/src is linted too (typescript-eslint's no-undef override covers browser globals); only its build output is not.
  { ignores: ['dist/**', 'node_modules/**', 'web/dist/**', 'data/**', 'coverage/**', '.bench-data/**', 'scratch/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['src/foundation/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: String.raw`^(\.\./)+(${DOMAINS.join('|')}|server|cli|simulate)(/|$)`,
              message: 'The foundation must not depend on domain modules, the server or the CLI.',
            },
          ],
        },
      ],
    },
  },
  ...DOMAINS.map(domainRule),
  {
    files: ['src/publichealth/detectors/**/*.ts', 'src/healthmgmt/risk/models/**/*.ts', 'src/foundation/mpi/pure/**/*.ts', 'src/care/referral/{referral-state,referral-sla,facility-level}.ts', 'src/care/centres/{centres-config,pathway,centres-fhir}.ts', 'src/care/teleconsult/{teleconsult-state,teleconsult-fhir}.ts', 'src/care/visits/visit-fhir.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: io.map((name) => ({ name, message: 'Pure engines do no I/O (DESIGN.md: pure engines).' })) },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'Pure engines do not read process.env.' }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Pure engines take the clock as an argument.' }],
    },
  },
  {
    files: ['bench/**/*.ts', 'scripts/**/*', 'src/cli/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
