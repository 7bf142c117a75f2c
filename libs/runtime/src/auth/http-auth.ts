import { Injectable, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { Observable } from 'rxjs';
import { AuthGate } from './auth-gate';
import { runAsPrincipal } from './principal';
import type { AccessRule } from './scopes';

const ACCESS_RULE = 'keel:access-rule';

/** The scope an HTTP controller or route needs (routes without one need `admin`: closed by default). */
export const RequireScope = (rule: AccessRule) => SetMetadata(ACCESS_RULE, rule);

/**
 * Every HTTP route of every service: checks the bearer token against the route's declared rule (401,
 * 403 naming the scope, or 503 when tokens cannot be checked), then runs the handler as the token's
 * principal. Registered by RuntimeModule.
 */
@Injectable()
export class HttpAuthInterceptor implements NestInterceptor {
  constructor(
    private readonly gate: AuthGate,
    private readonly reflector: Reflector,
  ) {}

  async intercept(ctx: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (!this.gate.enabled || ctx.getType() !== 'http') return next.handle();
    const rule =
      this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [ctx.getHandler(), ctx.getClass()]) ??
      'admin';
    const principal = await this.gate.authenticate(
      ctx.switchToHttp().getRequest<Request>().headers.authorization,
      rule,
    );
    if (!principal) return next.handle();
    return new Observable((subscriber) => runAsPrincipal(principal, () => next.handle().subscribe(subscriber)));
  }
}
