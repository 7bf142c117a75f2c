import { Broker } from './broker';
import { ConfigError, loadConfig, usage } from './config';
import { createLogger } from './logger';

// Entry point: `npm run broker -- --port 9092 --data-dir .keel/broker` (flags or KEEL_BROKER_*).
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    process.stdout.write(`usage: broker [flags]\n${usage()}\n`);
    return;
  }
  let config;
  try {
    config = loadConfig(argv, process.env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  const logger = createLogger(config.logLevel);
  const broker = new Broker(config, logger);
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    const force = setTimeout(() => {
      logger.error('shutdown took too long, exiting');
      process.exit(1);
    }, 9000);
    force.unref();
    broker.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        logger.error('shutdown failed', { error: String(e) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  try {
    await broker.start();
  } catch (e) {
    logger.error('broker failed to start', { error: e instanceof Error ? e.message : String(e) });
    process.exit(1);
  }
}

void main();
