import { Injectable } from '@nestjs/common';
import { MonitoringError, MonitoringErrorCode, invalidArgument } from '../common/monitoring.errors';
import { WindowsRepository } from './windows.repository';
import { performanceView, windowView, type DriftWindowView, type PerformanceWindowView } from './windows.mapper';

export function limitOf(raw: number | undefined): number {
  if (raw === undefined || raw === 0) return 100;
  if (!Number.isInteger(raw) || raw < 1 || raw > 1000) throw invalidArgument('limit', 'must be from 1 to 1000');
  return raw;
}

/** Reads of stored windows: the drift heatmap, `keel drift report`, performance over time. */
@Injectable()
export class DriftQueries {
  constructor(private readonly repo: WindowsRepository) {}

  async windows(model: string | undefined, limit?: number): Promise<DriftWindowView[]> {
    return (await this.repo.list(model || undefined, limitOf(limit))).map(windowView);
  }

  async report(model: string, windowId: string | undefined): Promise<DriftWindowView> {
    if (!model) throw invalidArgument('model', 'is required');
    const row = windowId ? await this.repo.get(windowId) : (await this.repo.list(model, 1))[0];
    if (!row || row.model !== model)
      throw new MonitoringError(
        MonitoringErrorCode.WindowNotFound,
        windowId ? `model "${model}" has no window "${windowId}"` : `model "${model}" has no closed window yet`,
        windowId ? 'window_id' : 'model',
      );
    return windowView(row);
  }

  async performance(model: string | undefined, limit?: number): Promise<PerformanceWindowView[]> {
    return (await this.repo.listPerformance(model || undefined, limitOf(limit))).map(performanceView);
  }
}
