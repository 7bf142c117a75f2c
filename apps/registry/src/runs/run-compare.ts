import type { RunView } from './runs.repository';

export interface CompareRowView {
  key: string;
  values: string[];
  differs: boolean;
}

export interface RunComparison {
  runs: RunView[];
  params: CompareRowView[];
  metrics: CompareRowView[];
}

/** Side by side: one row per param or metric key seen in any run, one cell per run ("" where absent). */
export function compareRuns(runs: RunView[]): RunComparison {
  const table = (cells: (run: RunView) => Map<string, string>): CompareRowView[] => {
    const perRun = runs.map(cells);
    const keys = [...new Set(perRun.flatMap((m) => [...m.keys()]))].sort();
    return keys.map((key) => {
      const values = perRun.map((m) => m.get(key) ?? '');
      return { key, values, differs: new Set(values).size > 1 };
    });
  };
  return {
    runs,
    params: table((r) => new Map(r.params.map((p) => [p.key, p.value]))),
    metrics: table((r) => new Map(r.latestMetrics.map((m) => [m.key, String(m.value)]))),
  };
}
