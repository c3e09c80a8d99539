// Fails when src/ has an import cycle (DESIGN.md convention 1: check import cycles in CI).
import madge from 'madge';

const result = await madge('src', { fileExtensions: ['ts'], tsConfig: 'tsconfig.json', excludeRegExp: [/\.test\.ts$/] });
const cycles = result.circular();
if (cycles.length > 0) {
  console.error(`import cycles found in src/:\n${cycles.map((c) => '  ' + c.join(' -> ')).join('\n')}`);
  process.exit(1);
}
