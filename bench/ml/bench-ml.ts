// `npm run bench:ml`: the learners on the e-commerce data beside scikit-learn (same run, same split),
// and with --big on a synthetic 1,000,000 x 30 table (training time and peak memory, one child process
// per learner and size so each peak RSS is its own).
import { benchEcommerce, ecommerceCsv } from './ecommerce';
import { benchSynthetic, runSyntheticChild } from './synthetic';

function print(name: string, value: number, unit: string): void {
  const shown =
    Math.abs(value) >= 1000 || Number.isInteger(value) ? String(Math.round(value * 1000) / 1000) : value.toPrecision(4);
  process.stdout.write(`RESULT ${name} ${shown} ${unit}\n`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const child = args.indexOf('--child');
  if (child >= 0) {
    runSyntheticChild(args[child + 1], Number(args[child + 2]));
    return;
  }
  const repeats = Number(valueOf(args, '--repeats') ?? 5);
  await benchEcommerce(valueOf(args, '--data') ?? ecommerceCsv(), repeats, print);
  if (args.includes('--big'))
    benchSynthetic(__filename, (valueOf(args, '--rows') ?? '250000,1000000').split(',').map(Number), print);
}

function valueOf(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:ml failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
