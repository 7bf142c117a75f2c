import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { AuthGate, SERVICE_CONFIG } from '@keel/runtime';
import type { RegistryConfig } from '../config';
import { AuthGrpcController } from './auth.grpc.controller';
import { AuthRepository } from './auth.repository';
import { AuthService } from './auth.service';
import { AuditModule } from '../audit/audit.module';

/** Bearer tokens: the registry owns them, checks its own requests against its table, and answers VerifyToken. */
@Module({
  imports: [AuditModule],
  providers: [AuthRepository, AuthService, AuthGrpcController],
  exports: [AuthService],
})
export class AuthModule implements OnModuleInit {
  constructor(
    private readonly auth: AuthService,
    private readonly gate: AuthGate,
    @Inject(SERVICE_CONFIG) private readonly config: RegistryConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.adminToken) await this.auth.provisionAdmin(this.config.adminToken);
    this.gate.use({ verify: (secret) => this.auth.findActive(secret) });
  }
}
