// `node --import <this>`: records the URL of every ES module and CommonJS file the process loads,
// one per line, into the file named by LIFELINE_RECORD_LOADS (test/server/cli/what-loads.test.ts).
import { register } from 'node:module';

register(new URL('./hooks.mjs', import.meta.url), { data: { file: process.env.LIFELINE_RECORD_LOADS } });
