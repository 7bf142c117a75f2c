import { connect, createServer } from 'node:net';

/**
 * Ports are handed out below Linux's ephemeral range (32768-60999), in a band of its own for each jest
 * worker: a port the OS picked with listen(0) and then released can be taken again by any outgoing
 * connection (a Kafka client, a fetch) before the service under test binds it, and two workers would
 * otherwise race for the same numbers.
 */
const BAND_BASE = 20_000;
const BAND_SIZE = 1_000;
const BANDS = 12;
// KEEL_TEST_PORT_BAND (1-12) picks a band outside jest's worker bands: `npm run chaos` runs beside other
// tests, and a port its killed service releases for a moment must not be handed to someone else.
const workerBand = (Number(process.env['KEEL_TEST_PORT_BAND'] || process.env['JEST_WORKER_ID'] || '1') - 1) % BANDS;
let cursor = Math.floor(Math.random() * BAND_SIZE);

function bindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A TCP port that is free now on 127.0.0.1 and is not handed out again by this process for a while. */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < BAND_SIZE; tries++) {
    const port = BAND_BASE + workerBand * BAND_SIZE + (cursor++ % BAND_SIZE);
    if (await bindable(port, '127.0.0.1')) return port;
  }
  throw new Error(
    `no free port in ${BAND_BASE + workerBand * BAND_SIZE}-${BAND_BASE + (workerBand + 1) * BAND_SIZE - 1}`,
  );
}

/** True when something accepts TCP connections on the port. */
export function isListening(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
