import { Injectable } from '@nestjs/common';
import type { SetMonitorRequest__Output } from '@keel/contracts';
import { AlertQueries } from '../alerts/alert-queries.service';
import { MonitorStates } from '../common/monitor-states';
import { invalidArgument } from '../common/monitoring.errors';
import { monitorView, patchFromRequest, type MonitorView } from './monitors.mapper';
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
    const firing = (await this.alerts.firing(m.model, 'drift')) + (await this.alerts.firing(m.model, 'performance'));
    return monitorView(m, this.states.get(m.model), firing);
  }

  async list(): Promise<MonitorView[]> {
    return Promise.all(this.monitors.list().map((m) => this.view(m)));
  }

  get(model: string): Promise<MonitorView> {
    return this.view(this.monitors.get(model));
  }

  async set(req: SetMonitorRequest__Output): Promise<MonitorView> {
    const current = this.monitors.describe(req.model).settings;
    const base = req.reset ? this.monitors.defaults : current;
    const patch = patchFromRequest(req, base);
    // Feature names are checked against the signature of the version being monitored, when it is known.
    const inputs = this.states.get(req.model)?.reference?.inputs.map((i) => i.name);
    if (inputs) {
      const unknown = [
        ...Object.keys(patch.features ?? {}).map((f) => `features.${f}`),
        ...(patch.skipFeatures ?? []).map((f) => `skipFeatures.${f}`),
      ].filter((path) => !inputs.includes(path.slice(path.indexOf('.') + 1)));
      if (unknown.length > 0)
        throw invalidArgument(unknown[0]!, `not an input of ${req.model} (inputs: ${inputs.join(', ')})`);
    }
    return this.view(await this.monitors.set(req.model, patch, req.reset));
  }
}
