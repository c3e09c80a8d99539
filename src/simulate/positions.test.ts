import { describe, expect, it } from 'vitest';
import { simulatedPosition } from './district-resources.js';

/** Planar km at 30° N (equirectangular), as the scan projects positions. */
const km = (p: { longitude: number; latitude: number }) => ({ x: p.longitude * 96.2, y: p.latitude * 110.6 });

describe('simulatedPosition (Location.position for the space-time scan)', () => {
  for (const [towns, villages] of [
    [20, 25],
    [30, 40],
    [3, 5],
  ] as const) {
    it(`${towns} towns × ${villages} villages: every village's nearest neighbour is in its own town, none closer than 0.4 km`, () => {
      const pts = Array.from({ length: towns * villages }, (_, i) => ({ town: Math.floor(i / villages), ...km(simulatedPosition(Math.floor(i / villages), towns, i % villages, villages)) }));
      for (const a of pts) {
        let best = Infinity;
        let town = -1;
        for (const b of pts) {
          if (b === a) continue;
          const d = Math.hypot(a.x - b.x, a.y - b.y);
          if (d < best) [best, town] = [d, b.town];
        }
        expect(town).toBe(a.town);
        expect(best).toBeGreaterThan(0.4);
      }
    });
  }

  it('is deterministic and near the district centre', () => {
    const p = simulatedPosition(3, 20, 7);
    expect(simulatedPosition(3, 20, 7)).toEqual(p);
    expect(Math.abs(p.longitude - 120.264)).toBeLessThan(0.3);
    expect(Math.abs(p.latitude - 30.185)).toBeLessThan(0.3);
  });
});
