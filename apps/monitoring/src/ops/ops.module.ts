import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { LiveFeed } from '../common/live-feed';
import { MonitorsModule } from '../monitors/monitors.module';
import { WindowsModule } from '../windows/windows.module';
import { OpsHttpController } from './ops.http.controller';

/** The ops web page on the monitoring HTTP port. */
@Module({ imports: [MonitorsModule, WindowsModule], controllers: [OpsHttpController] })
export class OpsModule implements OnApplicationShutdown {
  constructor(private readonly live: LiveFeed) {}

  // Open event streams would otherwise hold the HTTP server open at shutdown.
  onApplicationShutdown(): void {
    this.live.closeAll();
  }
}
