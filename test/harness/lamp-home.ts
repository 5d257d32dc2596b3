// A home with one plug, a Tasmota lamp (the simulator): what tests of confirmations stand on.
// Switching the lamp off asks for a hold-to-confirm, no typed name.
import { startTasmota, type TasmotaSim } from '../simulators/tasmota.js';
import { startTestAgent, type TestAgent, waitFor } from './agent.js';

export interface LampHome {
  t: TestAgent;
  lamp: TasmotaSim;
  close(): Promise<void>;
}

/** The agent started and the lamp seen online. */
export async function startLampHome(): Promise<LampHome> {
  const lamp = await startTasmota();
  const t = await startTestAgent({
    yaml: JSON.stringify({
      home: { name: 'Test home' },
      listen: { host: '127.0.0.1', port: 0 },
      power: [{ id: 'lamp', name: 'Lamp', driver: 'tasmota', address: lamp.address, pollSeconds: 1 }],
    }),
  });
  await waitFor(() => t.agent.state.get('power', 'lamp')?.online, 10_000, 'the lamp online');
  return {
    t,
    lamp,
    async close() {
      await t.close();
      await lamp.close();
    },
  };
}
