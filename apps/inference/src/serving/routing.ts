// Canary and shadow per model: a canary takes a share (weight) of the requests that name no version; a
// shadow gets a copy of every such request, its answer logged and never returned. A candidate is a
// registry alias (e.g. `challenger`) or a version number.
export interface Candidate {
  /** A version number as text, or empty when `alias` is set. */
  version: string;
  alias: string;
}

export interface Route {
  canary?: Candidate & { weight: number };
  shadow?: Candidate;
}

/** The setting item patterns (config.ts validates them at start). */
export const CANARY_ITEM =
  /^(none|[A-Za-z0-9][A-Za-z0-9._-]{0,127}=([a-z][a-z0-9_-]{0,31}|[1-9]\d{0,8}):(0(\.\d+)?|1(\.0+)?))$/;
export const SHADOW_ITEM = /^(none|[A-Za-z0-9][A-Za-z0-9._-]{0,127}=([a-z][a-z0-9_-]{0,31}|[1-9]\d{0,8}))$/;

function candidate(text: string): Candidate {
  return /^\d+$/.test(text) ? { version: text, alias: '' } : { version: '', alias: text };
}

/** `model=candidate:weight` canary items and `model=candidate` shadow items into one route per model. */
export function parseRoutes(canary: readonly string[], shadow: readonly string[]): Map<string, Route> {
  const routes = new Map<string, Route>();
  const route = (model: string) => routes.get(model) ?? routes.set(model, {}).get(model)!;
  for (const item of canary) {
    if (item === 'none') continue;
    const [model, rest] = item.split('=') as [string, string];
    const at = rest.lastIndexOf(':');
    route(model).canary = { ...candidate(rest.slice(0, at)), weight: Number(rest.slice(at + 1)) };
  }
  for (const item of shadow) {
    if (item === 'none') continue;
    const [model, rest] = item.split('=') as [string, string];
    route(model).shadow = candidate(rest);
  }
  return routes;
}

/** Aliases a promotion may move that this server routes to (besides the served alias). */
export function candidateAliases(routes: Map<string, Route>): Set<string> {
  const out = new Set<string>();
  for (const r of routes.values()) {
    if (r.canary?.alias) out.add(r.canary.alias);
    if (r.shadow?.alias) out.add(r.shadow.alias);
  }
  return out;
}
