import { mkdtempSync } from 'node:fs';
import { sleep, startSystem } from '../test/harness.js';

const secs = Number(process.argv[2] ?? 120);
const sys = await startSystem();
await sys.startRelay();
const { stateDir } = await sys.enrollAgent('probe');
process.env.LABMGR_CHILD_NODE_ARGS = process.argv[3] ?? '--max-old-space-size=64 --max-semi-space-size=1';
const a = sys.startAgent(stateDir, { LABMGR_AGENT_INTERVAL_MS: '1000' });
console.log('AGENT_PID', a.child.pid, mkdtempSync);
await sleep(secs * 1000);
await sys.stop();
process.exit(0);
