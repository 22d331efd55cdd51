import fc from 'fast-check';

// Property tests run a fixed, reproducible set of cases by default, so a CI run is repeatable; set
// FUZZ_SEED=<number> to replay another seed, or FUZZ_SEED=random to explore (a failure prints its seed).
const seed = process.env['FUZZ_SEED'];
if (seed !== 'random') fc.configureGlobal({ seed: seed === undefined ? 20_261_125 : Number(seed) });
