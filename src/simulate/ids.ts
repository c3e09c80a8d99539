/**
 * Deterministic, collision-free resource ids.
 *
 * An id is a bijective scramble of (seed, stream, counter): the input words are distinct for every
 * resource the simulator makes (one stream per village, a counter inside it), and the scramble —
 * ChaCha quarter-rounds (Bernstein 2008), each invertible — maps distinct inputs to distinct outputs.
 * So ids look random (UUID layout, version nibble 4) yet never collide and need no memory.
 */

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex32(x: number): string {
  return HEX[(x >>> 24) & 255] + HEX[(x >>> 16) & 255] + HEX[(x >>> 8) & 255] + HEX[x & 255];
}

/**
 * Makes an id from four 32-bit words. Only the version nibble and variant bits are overwritten
 * (6 of 128 bits), so two outputs collide with probability ~2^-122 at most — never in practice.
 */
export function scrambleId(seed: number, stream: number, counter: number, salt = 0x68624272): string {
  let a = seed >>> 0;
  let b = stream >>> 0;
  let c = counter >>> 0;
  let d = salt >>> 0;
  for (let round = 0; round < 4; round++) {
    a = (a + b) >>> 0; d = rotl(d ^ a, 16);
    c = (c + d) >>> 0; b = rotl(b ^ c, 12);
    a = (a + b) >>> 0; d = rotl(d ^ a, 8);
    c = (c + d) >>> 0; b = rotl(b ^ c, 7);
    // Rotate the roles so every word is mixed into every other across rounds.
    const t = a; a = b; b = c; c = d; d = t;
  }
  const h = hex32(a) + hex32(b) + hex32(c) + hex32(d);
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Sequential id source for one stream (the district structure, or one village). */
export class IdFactory {
  private counter = 0;

  constructor(
    private readonly seed: number,
    private readonly stream: number,
  ) {}

  /** Next id of this stream. */
  next(): string {
    return scrambleId(this.seed, this.stream, this.counter++);
  }
}
