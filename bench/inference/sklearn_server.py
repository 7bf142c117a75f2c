"""The baseline MLServer-style stack for `npm run bench:inference`: a Python grpcio server of the same
Open Inference Protocol proto, scoring the churn model with scikit-learn (logistic regression on the
same CSV and features as the Keel model). Run by the bench with Debian's python3 when python3-grpcio,
python3-grpc-tools and python3-sklearn are installed; prints `PORT <n>` once serving."""
import csv
import json
import os
import struct
import sys
import tempfile
from concurrent import futures

import grpc
import numpy as np
from grpc_tools import protoc
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

proto_root, csv_path, features_json = sys.argv[1], sys.argv[2], sys.argv[3]
features = json.loads(features_json)  # [{"name": ..., "numeric": bool}, ...] in the model's input order

out = tempfile.mkdtemp(prefix="keel-oip-py-")
protoc.main(["protoc", f"-I{proto_root}", f"--python_out={out}", f"--grpc_python_out={out}",
             os.path.join(proto_root, "inference", "grpc_predict_v2.proto")])
sys.path.insert(0, os.path.join(out, "inference"))
sys.path.insert(0, out)
import grpc_predict_v2_pb2 as pb  # noqa: E402
import grpc_predict_v2_pb2_grpc as pbg  # noqa: E402

with open(csv_path, newline="") as f:
    rows = list(csv.DictReader(f))
num = [i for i, ft in enumerate(features) if ft["numeric"]]
cat = [i for i, ft in enumerate(features) if not ft["numeric"]]


def cell(value, numeric):
    if numeric:
        return float(value) if value not in ("", None) else np.nan
    return value


X = np.array([[cell(r[ft["name"]], ft["numeric"]) for ft in features] for r in rows], dtype=object)
y = np.array([int(r["Churn"]) for r in rows])
model = Pipeline([
    ("prep", ColumnTransformer([
        ("num", Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]), num),
        ("cat", OneHotEncoder(handle_unknown="ignore"), cat),
    ])),
    ("lr", LogisticRegression(max_iter=1000)),
]).fit(X, y)


def decode(tensor, raw):
    n = int(tensor.shape[0])
    if tensor.datatype == "FP32":
        return list(np.frombuffer(raw, dtype="<f4", count=n)) if raw else list(tensor.contents.fp32_contents)
    if raw:
        values, pos = [], 0
        for _ in range(n):
            (size,) = struct.unpack_from("<I", raw, pos)
            values.append(raw[pos + 4:pos + 4 + size].decode())
            pos += 4 + size
        return values
    return [b.decode() for b in tensor.contents.bytes_contents]


class Servicer(pbg.GRPCInferenceServiceServicer):
    def ServerLive(self, request, context):
        return pb.ServerLiveResponse(live=True)

    def ServerReady(self, request, context):
        return pb.ServerReadyResponse(ready=True)

    def ModelInfer(self, request, context):
        raws = list(request.raw_input_contents)
        by_name = {t.name: decode(t, raws[i] if raws else None) for i, t in enumerate(request.inputs)}
        n = len(next(iter(by_name.values())))
        batch = np.array([[by_name[ft["name"]][r] for ft in features] for r in range(n)], dtype=object)
        proba = model.predict_proba(batch)
        labels = proba.argmax(axis=1)
        return pb.ModelInferResponse(
            model_name=request.model_name, id=request.id,
            outputs=[
                pb.ModelInferResponse.InferOutputTensor(
                    name="label", datatype="INT64", shape=[n],
                    contents=pb.InferTensorContents(int64_contents=labels.tolist())),
                pb.ModelInferResponse.InferOutputTensor(
                    name="probabilities", datatype="FP32", shape=[n, 2],
                    contents=pb.InferTensorContents(fp32_contents=proba.ravel().tolist())),
            ])


server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
pbg.add_GRPCInferenceServiceServicer_to_server(Servicer(), server)
port = server.add_insecure_port("127.0.0.1:0")
server.start()
print(f"PORT {port}", flush=True)
server.wait_for_termination()
