import { expect, test } from 'vitest';
import { PgCluster } from '../support/pg-cluster.js';
import { slashCommand } from '../support/slack-requests.js';
import { FaultRig } from './fault-rig.js';

test('probe', { timeout: 60_000 }, async () => {
  const cluster = await PgCluster.create();
  const rig = await FaultRig.create({ storage: { databaseUrl: await cluster.createDatabase('hoiio') } });
  try {
    await rig.startApp({ LOG_LEVEL: 'info' });
    await rig.setForwarding();
    await rig.slackRequest(slashCommand({ text: 'help' }));
    for (let i = 0; i < 3; i++)
      console.log(await rig.slackRequest(slashCommand({ text: `sms +65 8400000${i} probe-${i}`, channel_id: 'C0X' })));
    await cluster.stop('fast');
    await new Promise((r) => setTimeout(r, 3000));
    console.log('running', rig.app?.running, await rig.app?.health());
    console.log(
      rig.app?.output
        .split('\n')
        .filter((l) => !l.includes('claim failed'))
        .join('\n')
        .slice(-6000),
    );
    expect(1).toBe(1);
  } finally {
    await rig.close();
    await cluster.destroy();
  }
});
