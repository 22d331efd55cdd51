// The RSS baseline, run as its own process by bench/rss.ts: a bare Bolt app (HTTPReceiver) on 127.0.0.1 port 0
// whose /hoiio listener only acks, with a custom route answering Hoiio-style webhooks 200 after reading the body.
// Prints `listening on <url>` once ready; SIGTERM stops it. Reads SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN and
// SLACK_API_URL from the environment.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver } from '@slack/bolt';

const { SLACK_SIGNING_SECRET = '', SLACK_BOT_TOKEN = '', SLACK_API_URL = '' } = process.env;

const receiver = new HTTPReceiver({
  signingSecret: SLACK_SIGNING_SECRET,
  customRoutes: [
    {
      path: '/hoiio/:token/:kind',
      method: ['POST'],
      handler: (req, res) => {
        req.resume();
        req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
      },
    },
  ],
});
const app = new App({
  receiver,
  authorize: async () => ({ botToken: SLACK_BOT_TOKEN, botId: 'B0FAKEBOT', botUserId: 'U0FAKEBOT' }),
  clientOptions: { slackApiUrl: SLACK_API_URL },
});
app.command('/hoiio', async ({ ack }) => {
  await ack();
});
const server = (await app.start(0)) as Server;
process.stdout.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
process.on('SIGTERM', () => {
  void app.stop().then(() => process.exit(0));
});
