import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { GrpcServiceHandlers } from '@keel/contracts';
import { GrpcServerHost, type RpcScopes } from '@keel/runtime';
import { tokenToProto } from './auth.mapper';
import { AuthService } from './auth.service';

/** The scope each keel.registry.v1.AuthService method needs (docs/security.md). */
export const AUTH_RPC_SCOPES: RpcScopes<GrpcServiceHandlers['keel.registry.v1.AuthService']> = {
  CreateToken: 'admin',
  ListTokens: 'admin',
  RevokeToken: 'admin',
  // Open: other services check the tokens they receive with it; a 32-byte random secret cannot be guessed.
  VerifyToken: 'public',
};

/** keel.registry.v1.AuthService: translates messages and delegates to AuthService. */
@Injectable()
export class AuthGrpcController implements OnModuleInit {
  constructor(
    private readonly auth: AuthService,
    private readonly grpc: GrpcServerHost,
  ) {}

  onModuleInit(): void {
    this.grpc.addService(
      'keel.registry.v1.AuthService',
      {
        CreateToken: async (req) => {
          const { token, secret } = await this.auth.createToken({
            name: req.name,
            scopes: req.scopes,
            expiresAtMs: req.expiresAtMs,
          });
          return { token: tokenToProto(token), secret };
        },
        ListTokens: async (req) => ({
          tokens: (await this.auth.listTokens(req.includeInactive)).map(tokenToProto),
        }),
        RevokeToken: async (req) => tokenToProto(await this.auth.revokeToken(req.token)),
        VerifyToken: async (req) => tokenToProto(await this.auth.verifyToken(req.secret)),
      },
      AUTH_RPC_SCOPES,
    );
  }
}
