// The Open Inference Protocol's GRPCInferenceService (package inference) on the service's gRPC port.
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { status, type Metadata, type ServerDuplexStream, type ServerUnaryCall } from '@grpc/grpc-js';
import type { inference } from '@keel/contracts';
import { GrpcServerHost, GrpcStatusError } from '@keel/runtime';
import { ModelStore } from '../models/model-store';
import { InferenceError, type InferenceErrorKind } from '../serving/inference.errors';
import { InferenceService, SERVER_EXTENSIONS, SERVER_NAME, SERVER_VERSION } from '../serving/inference.service';
import { TokenAuth, type Scope } from '../serving/token-auth';
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

@Injectable()
export class OipGrpcController implements OnModuleInit {
  constructor(
    private readonly grpc: GrpcServerHost,
    @Inject(InferenceService) private readonly service: InferenceService,
    @Inject(ModelStore) private readonly store: ModelStore,
    @Inject(TokenAuth) private readonly auth: TokenAuth,
  ) {}

  /** Checks the call's bearer token for the scope, then runs the handler; errors get their status. */
  private authed<T>(call: { metadata: Metadata }, scope: Scope, fn: () => Promise<T> | T): Promise<T> {
    return mapped(async () => {
      const header = call.metadata.get('authorization')[0];
      this.auth.check(header === undefined ? undefined : String(header), scope);
      return fn();
    });
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
    this.grpc.addService('inference.GRPCInferenceService', {
      ServerLive: (_req, call) => this.authed(call, 'infer', () => ({ live: true })),
      ServerReady: (_req, call) => this.authed(call, 'infer', () => ({ ready: this.service.ready })),
      ModelReady: (req, call) =>
        this.authed(call, 'infer', () => ({ ready: this.service.modelReady(req.name, req.version) })),
      ServerMetadata: (_req, call) =>
        this.authed(call, 'infer', () => ({
          name: SERVER_NAME,
          version: SERVER_VERSION,
          extensions: SERVER_EXTENSIONS,
        })),
      ModelMetadata: (req, call) =>
        this.authed(call, 'infer', async () => {
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
        this.authed(call, 'infer', () => this.infer(req, call)),
      ModelStreamInfer: (
        call: ServerDuplexStream<inference.ModelInferRequest__Output, inference.ModelStreamInferResponse>,
      ) =>
        this.authed(call, 'infer', () => undefined).then(
          () =>
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
        ),
      RepositoryIndex: (req, call) =>
        this.authed(call, 'admin', () => ({
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
      RepositoryModelLoad: (req, call) =>
        this.authed(call, 'admin', async () => {
          await this.store.loadAlias(req.modelName);
          return {};
        }),
      RepositoryModelUnload: (req, call) =>
        this.authed(call, 'admin', async () => {
          await this.store.unload(req.modelName);
          return {};
        }),
    });
  }
}
