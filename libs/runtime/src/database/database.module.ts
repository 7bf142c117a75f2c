import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { openDatabase, pingDatabase, type EntityList, type MigrationList } from '@keel/persistence';
import type { Logger } from '@keel/telemetry';
import { Readiness } from '../health/readiness';
import { DATA_SOURCE, LOGGER, SERVICE_CONFIG, SERVICE_NAME } from '../tokens';

interface DatabaseConfig {
  dataDir: string;
  databaseUrl?: string;
}

class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** Opens the service's database at start (running its migrations), checks it for readiness, closes it last. */
@Module({})
export class DatabaseModule {
  static forRoot(options: {
    entities: EntityList;
    migrations: MigrationList;
    postgresSettings?: Record<string, string>;
    sqlitePageSize?: number;
  }): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      providers: [
        {
          provide: DATA_SOURCE,
          inject: [SERVICE_NAME, SERVICE_CONFIG, Readiness, LOGGER],
          useFactory: async (service: string, config: DatabaseConfig, readiness: Readiness, logger: Logger) => {
            const dataSource = await openDatabase({
              service,
              dataDir: config.dataDir,
              databaseUrl: config.databaseUrl,
              ...options,
            });
            readiness.register('database', () => pingDatabase(dataSource));
            logger.info(
              { database: dataSource.options.type, migrations: dataSource.migrations.length },
              'database open and migrated',
            );
            return dataSource;
          },
        },
        DatabaseLifecycle,
      ],
      exports: [DATA_SOURCE],
    };
  }
}
