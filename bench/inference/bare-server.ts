// The baseline: a bare grpc-js server of the same Open Inference Protocol proto that decodes each
// ModelInfer request and answers a fixed prediction per row (no model, no validation, no batching).
// Prints "PORT <n>" once listening. Run as its own process so it gets its own event loop.
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const root = join(__dirname, '../..');
const def = protoLoader.loadSync(join(root, 'proto/inference/grpc_predict_v2.proto'), {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
});
const pkg = grpc.loadPackageDefinition(def) as unknown as {
  inference: { GRPCInferenceService: { service: grpc.ServiceDefinition } };
};

interface Req {
  modelName: string;
  id: string;
  inputs: { shape: number[] }[];
}

const server = new grpc.Server({ 'grpc.max_receive_message_length': 64 << 20 });
server.addService(pkg.inference.GRPCInferenceService.service, {
  ModelInfer: (call: grpc.ServerUnaryCall<Req, unknown>, cb: grpc.sendUnaryData<unknown>) => {
    const rows = Number(call.request.inputs[0]?.shape[0] ?? 1);
    cb(null, {
      modelName: call.request.modelName,
      modelVersion: '1',
      id: call.request.id || 'fixed',
      outputs: [
        { name: 'label', datatype: 'INT64', shape: [rows], contents: { int64Contents: new Array(rows).fill(0) } },
        {
          name: 'probabilities',
          datatype: 'FP32',
          shape: [rows, 2],
          contents: { fp32Contents: new Array(rows * 2).fill(0.5) },
        },
      ],
    });
  },
});
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) throw err;
  process.stdout.write(`PORT ${port}\n`);
});
process.on('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
