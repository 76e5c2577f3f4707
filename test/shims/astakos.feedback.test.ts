// Astakos feedback through a real SMTP relay (an smtp-server started here): delivered when the
// relay works; 502 with the feedback still stored when it is down or refuses.
import assert from 'node:assert/strict';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { startTestServer, type TestServer } from '../support/cloudfed.js';
import { ASTAKOS_DATA, raw, T1, U1 } from './astakos.support.js';

interface Received {
  from: string;
  to: string[];
  data: string;
}

async function startRelay(options: { refuse?: boolean } = {}) {
  const received: Received[] = [];
  const relay = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (options.refuse) return callback(new Error('550 mailbox unavailable'));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          data: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', () => resolve()));
  const port = (relay.server.address() as AddressInfo).port;
  return { port, received, close: () => new Promise<void>((resolve) => relay.close(() => resolve())) };
}

/** A loopback port nothing listens on. */
async function deadPort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const smtpConfig = (port: number) => ({
  shims: {
    astakos: {
      feedback: {
        smtp: {
          host: '127.0.0.1',
          port,
          from: 'astakos@cloud.example.org',
          to: ['ops@cloud.example.org'],
          timeoutMs: 3000,
        },
      },
    },
  },
});

const postFeedback = (server: TestServer, body: string) =>
  raw(server.url, 'POST', '/astakos/account/v1.0/feedback', {
    headers: { 'X-Auth-Token': T1, 'Content-Type': 'application/octet-stream' },
    body,
  });

async function storedMessages(server: TestServer): Promise<string[]> {
  const reply = await server.graphql('{ feedback(first: 10) { nodes { message } } }');
  return reply.data.feedback.nodes.map((node: { message: string }) => node.message);
}

describe('Astakos feedback through an SMTP relay', () => {
  let relay: Awaited<ReturnType<typeof startRelay>>;
  let server: TestServer;
  before(async () => {
    relay = await startRelay();
    server = await startTestServer({ demo: false, importText: ASTAKOS_DATA, config: smtpConfig(relay.port) });
  });
  after(async () => {
    await server.close();
    await relay.close();
  });

  test('delivers the message with the user’s details to the operators', async () => {
    const reply = await postFeedback(server, 'feedback_msg=The+VM+console+hangs&feedback_data=vm%3D42');
    assert.equal(reply.status, 200);
    assert.equal(reply.body, '');
    assert.equal(relay.received.length, 1);
    const mail = relay.received[0]!;
    assert.equal(mail.from, 'astakos@cloud.example.org');
    assert.deepEqual(mail.to, ['ops@cloud.example.org']);
    assert.match(mail.data, /^Subject: Feedback from user@example\.com\r?$/m);
    assert.match(mail.data, /The VM console hangs/);
    assert.match(mail.data, /vm=42/);
    assert.ok(mail.data.includes(U1));
    assert.ok(!mail.data.includes(T1), 'the token is not mailed');
    assert.deepEqual(await storedMessages(server), ['The VM console hangs']);
  });
});

describe('Astakos feedback when the relay fails', () => {
  test('relay down: 502 with an empty body, the feedback is still stored', async () => {
    const server = await startTestServer({
      demo: false,
      importText: ASTAKOS_DATA,
      config: smtpConfig(await deadPort()),
    });
    try {
      const reply = await postFeedback(server, 'feedback_msg=hello&feedback_data=x');
      assert.equal(reply.status, 502);
      assert.equal(reply.body, '');
      assert.equal(reply.headers['content-length'], '0');
      assert.equal(reply.headers['content-type'], 'application/json; charset=UTF-8');
      assert.equal(reply.headers.vary, 'X-Auth-Token');
      assert.deepEqual(await storedMessages(server), ['hello']);
      // Still a 400 for invalid data: validation comes before delivery.
      const invalid = await postFeedback(server, 'feedback_data=x');
      assert.equal(invalid.status, 400);
    } finally {
      await server.close();
    }
  });

  test('relay refusing the recipients: 502, stored', async () => {
    const relay = await startRelay({ refuse: true });
    const server = await startTestServer({
      demo: false,
      importText: ASTAKOS_DATA,
      config: smtpConfig(relay.port),
    });
    try {
      const reply = await postFeedback(server, 'feedback_msg=refused');
      assert.equal(reply.status, 502);
      assert.equal(reply.body, '');
      assert.deepEqual(await storedMessages(server), ['refused']);
      assert.equal(relay.received.length, 0);
    } finally {
      await server.close();
      await relay.close();
    }
  });
});
