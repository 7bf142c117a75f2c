// Learners, preprocessing, metrics and ONNX export (issue 6).
export {};
