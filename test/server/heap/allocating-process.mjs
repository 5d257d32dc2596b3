// A process that allocates as an idle agent does, only faster: each tick makes ~100 KiB of objects
// that live for 40 ticks, long enough for V8 to promote them to the old generation, then die. Run by
// heap-housekeeping.test.ts with and without the housekeeping (argv[2]: on|off); prints, in KiB as
// JSON, the old generation's size at start and at its largest and, with the housekeeping, the most
// of its pages left holding nothing just after one of its collections.
const { startHeapHousekeeping } = await import(
  new URL('../../../dist/server/heap-housekeeping.js', import.meta.url).href
);
const v8 = process.getBuiltinModule('v8');
const oldSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space');
const housekeeping = process.argv[2] === 'on' ? startHeapHousekeeping({ everyMs: 50 }) : undefined;
const ring = new Array(40).fill(null);
const start = oldSpace().space_size;
let largest = start;
let emptiest = 0;
let seen = 0;
for (let tick = 0; tick < 600; tick++) {
  ring[tick % ring.length] = Array.from({ length: 1000 }, (_, i) => ({ tick, i, s: `v${tick}-${i}` }));
  await new Promise((resolve) => setTimeout(resolve, 2));
  const { space_size, space_used_size } = oldSpace();
  largest = Math.max(largest, space_size);
  if (housekeeping && housekeeping.collections !== seen) {
    seen = housekeeping.collections;
    emptiest = Math.max(emptiest, space_size - space_used_size);
  }
}
process.stdout.write(
  `${JSON.stringify({ startKiB: start >> 10, largestKiB: largest >> 10, collections: seen, emptyKiB: emptiest >> 10 })}\n`,
);
