import { Injectable } from '@nestjs/common';
import type { SetMonitorRequest__Output } from '@keel/contracts';
import { AlertQueries } from '../alerts/alert-queries.service';
import { MonitorStates } from '../common/monitor-states';
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
    return this.view(await this.monitors.set(req.model, patchFromRequest(req, base), req.reset));
  }
}
