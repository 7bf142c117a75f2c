// The Open Inference Protocol's GRPCInferenceService (package inference) on the service's gRPC port.
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { status, type ServerDuplexStream, type ServerUnaryCall } from '@grpc/grpc-js';
import type { GrpcServiceHandlers, inference } from '@keel/contracts';
import { GrpcServerHost, GrpcStatusError, type RpcScopes } from '@keel/runtime';
import { ModelStore } from '../models/model-store';
import { InferenceError, type InferenceErrorKind } from '../serving/inference.errors';
import { InferenceService, SERVER_EXTENSIONS, SERVER_NAME, SERVER_VERSION } from '../serving/inference.service';
import { decodeInputs, encodeResponse, wantsExplain, wantsRaw } from './oip.mapper';

const STATUS: Record<InferenceErrorKind, status> = {
  invalid: status.INVALID_ARGUMENT,
  'not-found': status.NOT_FOUND,
  unavailable: status.UNAVAILABLE,
  exhausted: status.RESOURCE_EXHAUSTED,
  deadline: status.DEADLINE_EXCEEDED,
  unauthenticated: status.UNAUTHENTICATED,
  denied: status.PERMISSION_DENIED,
};

function grpcError(err: unknown): unknown {
  if (err instanceof InferenceError) return new GrpcStatusError(STATUS[err.kind], err.message, err.field);
  return err;
}

async function mapped<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw grpcError(err);
  }
}

function deadlineOf(call: { getDeadline(): Date | number }): number | undefined {
  const d = call.getDeadline();
  const ms = d instanceof Date ? d.getTime() : d;
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/** The scope each inference.GRPCInferenceService method needs (docs/security.md). */
export const OIP_RPC_SCOPES: RpcScopes<GrpcServiceHandlers['inference.GRPCInferenceService']> = {
  ServerLive: 'health',
  ServerReady: 'health',
  ModelReady: 'infer',
  ServerMetadata: 'infer',
  ModelMetadata: 'infer',
  ModelInfer: 'infer',
  ModelStreamInfer: 'infer',
  RepositoryIndex: 'read',
  RepositoryModelLoad: 'admin',
  RepositoryModelUnload: 'admin',
};

@Injectable()
export class OipGrpcController implements OnModuleInit {
  constructor(
    private readonly grpc: GrpcServerHost,
    @Inject(InferenceService) private readonly service: InferenceService,
    @Inject(ModelStore) private readonly store: ModelStore,
  ) {}

  /** Runs a handler; inference errors get their status (tokens are checked before, by the runtime's interceptor). */
  private run<T>(fn: () => Promise<T> | T): Promise<T> {
    return mapped(async () => fn());
  }

  private infer(
    req: inference.ModelInferRequest__Output,
    call: { getDeadline(): Date | number },
  ): Promise<inference.ModelInferResponse> {
    return mapped(async () => {
      const inputs = decodeInputs(req);
      const answer = await this.service.infer({
        model: req.modelName,
        version: req.modelVersion,
        id: req.id,
        inputs,
        outputs: req.outputs.map((o) => o.name),
        deadline: this.service.deadline(deadlineOf(call)),
        explain: wantsExplain(req),
      });
      return encodeResponse(answer, wantsRaw(req));
    });
  }

  onModuleInit(): void {
    this.grpc.addService(
      'inference.GRPCInferenceService',
      {
        ServerLive: () => this.run(() => ({ live: true })),
        ServerReady: () => this.run(() => ({ ready: this.service.ready })),
        ModelReady: (req) => this.run(() => ({ ready: this.service.modelReady(req.name, req.version) })),
        ServerMetadata: () =>
          this.run(() => ({
            name: SERVER_NAME,
            version: SERVER_VERSION,
            extensions: SERVER_EXTENSIONS,
          })),
        ModelMetadata: (req) =>
          this.run(async () => {
            const m = await this.service.metadata(req.name, req.version);
            return {
              name: m.name,
              versions: m.versions,
              platform: m.platform,
              inputs: m.signature.inputs,
              outputs: m.signature.outputs,
            };
          }),
        ModelInfer: (req, call: ServerUnaryCall<inference.ModelInferRequest__Output, inference.ModelInferResponse>) =>
          this.run(() => this.infer(req, call)),
        ModelStreamInfer: (
          call: ServerDuplexStream<inference.ModelInferRequest__Output, inference.ModelStreamInferResponse>,
        ) =>
          new Promise<void>((resolve) => {
            let open = 0;
            let ended = false;
            const finish = () => {
              if (ended && open === 0) {
                call.end();
                resolve();
              }
            };
            call.on('data', (req: inference.ModelInferRequest__Output) => {
              open++;
              this.infer(req, call)
                .then(
                  (res) => call.write({ inferResponse: res }),
                  (err: Error) => call.write({ errorMessage: err.message, inferResponse: { id: req.id } }),
                )
                .finally(() => {
                  open--;
                  finish();
                });
            });
            call.on('end', () => {
              ended = true;
              finish();
            });
            call.on('error', () => resolve());
          }),
        RepositoryIndex: (req) =>
          this.run(() => ({
            models: this.store
              .index()
              .filter((m) => !req.ready || m.state === 'ready')
              .map((m) => ({
                name: m.model,
                version: String(m.version),
                state: m.state.toUpperCase(),
                reason: m.reason,
              })),
          })),
        RepositoryModelLoad: (req) =>
          this.run(async () => {
            await this.store.loadAlias(req.modelName);
            return {};
          }),
        RepositoryModelUnload: (req) =>
          this.run(async () => {
            await this.store.unload(req.modelName);
            return {};
          }),
      },
      OIP_RPC_SCOPES,
    );
  }
}
