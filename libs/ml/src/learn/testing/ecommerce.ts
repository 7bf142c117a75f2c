// The e-commerce churn CSV for tests: KEEL_ECOMMERCE_CSV, else shared/data/ found by walking up from
// here (the checkout may sit at any depth below the directory that holds shared/).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { csvColumns, parseCsv } from '../../core';

const RELATIVE = join('shared', 'data', 'ecommerce-customer-churn.csv');

export function ecommerceCsvPath(): string {
  const given = process.env.KEEL_ECOMMERCE_CSV;
  if (given !== undefined && given !== '') return given;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, RELATIVE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`cannot find ${RELATIVE} above ${__dirname}; set KEEL_ECOMMERCE_CSV`);
  }
}

export function ecommerceTable(): Map<string, string[]> {
  return csvColumns(parseCsv(readFileSync(ecommerceCsvPath(), 'utf8')));
}
