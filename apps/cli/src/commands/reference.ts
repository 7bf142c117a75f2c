import { isAbsolute, relative } from 'node:path';
import type { Command, Option } from 'commander';

/**
 * `keel reference`: the command reference in Markdown, walked from the command definitions themselves
 * (names, arguments, options, defaults, descriptions), so docs/cli.md cannot drift from the CLI
 * (`npm run docs:cli` splices it in; a test fails when it is stale). Hidden from `keel --help`.
 */
export function registerReference(program: Command): void {
  program
    .command('reference', { hidden: true })
    .description('print the command reference in Markdown (for docs/cli.md)')
    .action(() => {
      process.stdout.write(renderReference(program));
    });
}

export function renderReference(program: Command): string {
  const out: string[] = [];
  const visit = (cmd: Command, path: string[]) => {
    for (const sub of cmd.commands as Command[]) {
      if ((sub as unknown as { _hidden?: boolean })._hidden) continue;
      const names = [...path, sub.name()];
      if (sub.commands.length > 0 && !hasAction(sub)) {
        visit(sub, names);
        continue;
      }
      const args = sub.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`)).join(' ');
      out.push(`### \`keel ${names.join(' ')}${args ? ` ${args}` : ''}\``, '', sub.description() || '', '');
      const options = (sub.options as Option[]).filter((o) => !o.hidden);
      if (options.length > 0) {
        out.push('| option | default | description |', '|---|---|---|');
        for (const o of options) {
          const def = o.defaultValue === undefined ? '—' : `\`${shown(o.defaultValue)}\``;
          out.push(
            `| \`${o.flags.replace(/\|/g, '\\|')}\` | ${def} | ${(o.description || '').replace(/\|/g, '\\|')} |`,
          );
        }
        out.push('');
      }
      if (sub.commands.length > 0) visit(sub, names);
    }
  };
  visit(program, []);
  return out.join('\n').trimEnd() + '\n';
}

function hasAction(cmd: Command): boolean {
  return typeof (cmd as unknown as { _actionHandler?: unknown })._actionHandler === 'function';
}

/** Defaults that are paths of this checkout are shown relative to it, so the reference is the same anywhere. */
function shown(value: unknown): string {
  const text = String(value);
  return isAbsolute(text) ? relative(process.cwd(), text) || '.' : text;
}
