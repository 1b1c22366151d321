import { Role } from '@civgrid/auth';
import { eventually } from '@civgrid/testing';
import { Stack, startStack } from '../src/stack';
import { populationFixtures } from './population-fixtures';

// Grid health from the population registry's own events: households registered through the gateway,
// counted by the registry, published on its topic, consumed by grid organisation. No hand-made events.
let stack: Stack;
let make: ReturnType<typeof populationFixtures>;
const MAX_HOUSEHOLDS = '2';

beforeAll(async () => {
  // The services start from this process's environment: a low threshold, so three households make a grid too large.
  const previous = process.env['GRID_HEALTH_MAX_HOUSEHOLDS'];
  process.env['GRID_HEALTH_MAX_HOUSEHOLDS'] = MAX_HOUSEHOLDS;
  try {
    stack = await startStack('grid-health-population', {}, ['grid-organisation', 'population-registry']);
  } finally {
    if (previous === undefined) delete process.env['GRID_HEALTH_MAX_HOUSEHOLDS'];
    else process.env['GRID_HEALTH_MAX_HOUSEHOLDS'] = previous;
  }
  make = populationFixtures(stack);
}, 120_000);
afterAll(() => stack?.stop());

interface Report {
  gridHealth: {
    thresholds: { maxHouseholds: number };
    problems: { kind: string; description: string; households: number | null; grids: { id: string }[] }[];
  };
  grid: { populationCounts: { households: number } | null };
}

describe('grid health from the population registry’s events', () => {
  it('reports a grid too large once the households registered in it pass the threshold', async () => {
    const { village, basic } = await make.place(['1号楼']);
    const officer = await make.officer(Role.COMMUNITY_OFFICER, village);
    const report = () =>
      make.ok<Report>(
        `query($path: String!, $grid: ID!) {
           gridHealth(areaPath: $path, kinds: [TOO_LARGE]) { thresholds { maxHouseholds } problems { kind description households grids { id } } }
           grid(id: $grid) { populationCounts { households } }
         }`,
        { path: village.path, grid: basic.id },
        officer,
      );
    // Wait for the count to arrive, then ask afresh: within one request the two fields are read by
    // separate statements, and the event may land between them.
    const once = async (households: number) => {
      await eventually(async () => ((await report()).grid.populationCounts?.households === households ? true : undefined), 30_000);
      return report();
    };

    await make.household(basic.id);
    await make.household(basic.id);
    const atThreshold = await once(2);
    expect(atThreshold.gridHealth.thresholds.maxHouseholds).toBe(2);
    expect(atThreshold.gridHealth.problems).toEqual([]);

    await make.household(basic.id);
    const over = await once(3);
    expect(over.gridHealth.problems).toEqual([
      {
        kind: 'TOO_LARGE',
        description: `Grid ${basic.code} has 3 households, more than 2.`,
        households: 3,
        grids: [{ id: basic.id }],
      },
    ]);
  });
});
