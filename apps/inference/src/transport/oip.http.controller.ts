// The Open Inference Protocol's REST endpoints (/v2...) with JSON tensors, beside /healthz, /readyz and
// /metrics on the HTTP port. Same service, same numbers as gRPC.
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { RequireScope } from '@keel/runtime';
import { HTTP_STATUS_BY_KIND, InferenceError, invalid } from '../serving/inference.errors';
import {
  InferenceService,
  SERVER_EXTENSIONS,
  SERVER_NAME,
  SERVER_VERSION,
  type InferAnswer,
} from '../serving/inference.service';
import { allocate, type Tensor, type TensorData } from '../serving/tensors';
import { checkDatatype, checkShape, checkSize } from '../serving/validate';

interface JsonTensor {
  name?: unknown;
  datatype?: unknown;
  shape?: unknown;
  data?: unknown;
}

interface JsonInferRequest {
  id?: unknown;
  parameters?: { explain?: unknown };
  inputs?: unknown;
  outputs?: unknown;
}

function send(res: Response, fn: () => Promise<unknown>): Promise<void> {
  return fn().then(
    (body) => void res.json(body),
    (err: unknown) => {
      if (err instanceof InferenceError) {
        res.status(HTTP_STATUS_BY_KIND[err.kind]).json({ error: err.message, field: err.field });
        return;
      }
      res.status(500).json({ error: 'internal error' });
    },
  );
}

function flatten(data: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(data)) for (const d of data) flatten(d, out);
  else out.push(data);
  return out;
}

export function decodeJsonTensor(t: JsonTensor, index: number): Tensor {
  const name = typeof t.name === 'string' && t.name ? t.name : '';
  if (!name) throw invalid(`inputs[${index}]`, `inputs[${index}] has no name`);
  const datatype = checkDatatype(name, typeof t.datatype === 'string' ? t.datatype : String(t.datatype));
  if (!Array.isArray(t.shape) || !t.shape.every((d) => typeof d === 'number'))
    throw invalid(name, `input "${name}": shape must be an array of integers`);
  const shape = checkShape(name, t.shape as number[]);
  const values = flatten(t.data);
  let data: TensorData;
  if (datatype === 'BYTES') {
    if (!values.every((v) => typeof v === 'string')) throw invalid(name, `input "${name}": BYTES data must be strings`);
    data = values as string[];
  } else {
    data = allocate(datatype, values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      // JSON has no NaN: the text "NaN" (and null) stand for a missing float.
      const n = v === null || v === 'NaN' ? NaN : typeof v === 'boolean' ? Number(v) : v;
      if (typeof n !== 'number') throw invalid(name, `input "${name}": element ${i} is not a number`);
      if (datatype === 'INT64') (data as BigInt64Array)[i] = BigInt(Math.trunc(n));
      else (data as Float32Array)[i] = n;
    }
  }
  checkSize(name, shape, data);
  return { name, datatype, shape, data };
}

function jsonOutputs(answer: InferAnswer) {
  return {
    model_name: answer.model,
    model_version: String(answer.version),
    id: answer.id,
    ...(Object.keys(answer.parameters).length ? { parameters: answer.parameters } : {}),
    outputs: answer.outputs.map((t) => ({
      name: t.name,
      datatype: t.datatype,
      shape: t.shape,
      data: Array.isArray(t.data)
        ? t.data
        : Array.from(t.data as ArrayLike<number | bigint>, (v) => {
            const n = Number(v);
            return Number.isFinite(n) ? n : String(n);
          }),
    })),
  };
}

// Every /v2 route needs the infer scope, but the liveness and readiness probes follow KEEL_AUTH_OPEN's health.
@Controller('v2')
@RequireScope('infer')
export class OipHttpController {
  constructor(@Inject(InferenceService) private readonly service: InferenceService) {}

  @Get()
  server() {
    return { name: SERVER_NAME, version: SERVER_VERSION, extensions: SERVER_EXTENSIONS };
  }

  @Get('health/live')
  @RequireScope('health')
  live() {
    return { live: true };
  }

  @Get('health/ready')
  @RequireScope('health')
  ready(@Res() res: Response): void {
    res.status(this.service.ready ? 200 : 503).json({ ready: this.service.ready });
  }

  @Get('models/:model')
  metadata(@Param('model') model: string, @Res() res: Response): Promise<void> {
    return this.metadataOf(model, '', res);
  }

  @Get('models/:model/versions/:version')
  versionMetadata(@Param('model') model: string, @Param('version') version: string, @Res() res: Response) {
    return this.metadataOf(model, version, res);
  }

  @Get('models/:model/ready')
  modelReady(@Param('model') model: string, @Res() res: Response): void {
    const ready = this.service.modelReady(model, '');
    res.status(ready ? 200 : 503).json({ name: model, ready });
  }

  @Get('models/:model/versions/:version/ready')
  versionReady(@Param('model') model: string, @Param('version') version: string, @Res() res: Response): void {
    const ready = this.service.modelReady(model, version);
    res.status(ready ? 200 : 503).json({ name: model, version, ready });
  }

  @Post('models/:model/infer')
  @HttpCode(200)
  infer(@Param('model') model: string, @Body() body: JsonInferRequest, @Res() res: Response): Promise<void> {
    return this.inferOf(model, '', body, res);
  }

  @Post('models/:model/versions/:version/infer')
  @HttpCode(200)
  inferVersion(
    @Param('model') model: string,
    @Param('version') version: string,
    @Body() body: JsonInferRequest,
    @Res() res: Response,
  ): Promise<void> {
    return this.inferOf(model, version, body, res);
  }

  private metadataOf(model: string, version: string, res: Response): Promise<void> {
    return send(res, async () => {
      const m = await this.service.metadata(model, version);
      return {
        name: m.name,
        versions: m.versions,
        platform: m.platform,
        inputs: m.signature.inputs,
        outputs: m.signature.outputs,
      };
    });
  }

  private inferOf(model: string, version: string, body: JsonInferRequest, res: Response): Promise<void> {
    return send(res, async () => {
      if (!body || !Array.isArray(body.inputs)) throw invalid('inputs', 'the request needs an inputs array');
      const inputs = (body.inputs as JsonTensor[]).map((t, i) => decodeJsonTensor(t ?? {}, i));
      const outputs = Array.isArray(body.outputs)
        ? (body.outputs as { name?: unknown }[]).map((o) => String(o?.name ?? ''))
        : [];
      const answer = await this.service.infer({
        model,
        version,
        id: typeof body.id === 'string' ? body.id : '',
        inputs,
        outputs,
        deadline: this.service.deadline(undefined),
        explain: body.parameters?.explain === true,
      });
      return jsonOutputs(answer);
    });
  }
}
