import { Injectable } from '@nestjs/common';
import { AlertQueries } from '../alerts/alert-queries.service';
import { MonitorStates } from '../common/monitor-states';
import { invalidArgument } from '../common/monitoring.errors';
import type { MonitorOverrides } from './monitor-settings';
import { monitorView, type MonitorView } from './monitors.mapper';
import { MonitorsService, type MonitoredModel } from './monitors.service';

/** Monitors as operators see them: settings plus the live state (window fill, reference, firing alerts). */
@Injectable()
export class MonitorQueries {
  constructor(
    private readonly monitors: MonitorsService,
    private readonly states: MonitorStates,
    private readonly alerts: AlertQueries,
  ) {}

  private async view(m: MonitoredModel): Promise<MonitorView> {
    // One query for both kinds: GetMonitor is what dashboards and the bench poll.
    const firing = await this.alerts.firing(m.model, 'drift', 'performance');
    return monitorView(m, this.states.get(m.model), firing);
  }

  async list(activeOnly = false): Promise<MonitorView[]> {
    const all = await Promise.all(this.monitors.list().map((m) => this.view(m)));
    return activeOnly ? all.filter((m) => m.active) : all;
  }

  get(model: string): Promise<MonitorView> {
    return this.view(this.monitors.get(model));
  }

  async set(model: string, patch: MonitorOverrides, reset: boolean): Promise<MonitorView> {
    // Feature names are checked against the signature of the version being monitored, when it is known.
    const inputs = this.states.get(model)?.reference?.inputs.map((i) => i.name);
    if (inputs) {
      const unknown = [
        ...Object.keys(patch.features ?? {}).map((f) => `features.${f}`),
        ...(patch.skipFeatures ?? []).map((f) => `skipFeatures.${f}`),
      ].filter((path) => !inputs.includes(path.slice(path.indexOf('.') + 1)));
      if (unknown.length > 0)
        throw invalidArgument(unknown[0]!, `not an input of ${model} (inputs: ${inputs.join(', ')})`);
    }
    return this.view(await this.monitors.set(model, patch, reset));
  }
}
