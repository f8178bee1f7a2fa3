// Fits a logistic regression or a small MLP on tabular data and returns the ONNX bytes,
// held-out metrics and the training rows' reference profile.
import { buildTabularClassifier, encodedWidth } from "../onnx/tabular-model";
import { initLayers, predict, toDenseLayers, train } from "./dense-network";
import { accuracy, logLoss, rocAuc, round } from "./metrics";
import { encodeRows, fitFeatureSpec, splitTrainTest, type TabularData } from "./tabular-data";

export type ClassifierKind = "logistic_regression" | "mlp";

export type TrainOptions = {
  name: string;
  data: TabularData;
  kind: ClassifierKind;
  hidden?: number;
  epochs?: number;
  learningRate?: number;
  l2?: number;
  testShare?: number;
  seed?: number;
};

export function trainClassifier(opts: TrainOptions) {
  const seed = opts.seed ?? 7;
  const params = {
    kind: opts.kind,
    hidden: opts.kind === "mlp" ? (opts.hidden ?? 16) : 0,
    epochs: opts.epochs ?? (opts.kind === "mlp" ? 120 : 400),
    learning_rate: opts.learningRate ?? (opts.kind === "mlp" ? 0.01 : 0.05),
    l2: opts.l2 ?? (opts.kind === "mlp" ? 1e-2 : 1e-3),
    test_share: opts.testShare ?? 0.2,
    seed,
  };
  const { train: trainSet, test } = splitTrainTest(opts.data, params.test_share, seed);
  const spec = fitFeatureSpec(trainSet);
  const width = encodedWidth(spec);
  const sizes = opts.kind === "mlp" ? [width, params.hidden, 1] : [width, 1];
  const layers = initLayers(sizes, seed);
  train(layers, encodeRows(spec, trainSet.rows), trainSet.labels, { epochs: params.epochs, learningRate: params.learning_rate, l2: params.l2 });

  const scores = predict(layers, encodeRows(spec, test.rows), test.rows.length);
  const metrics = {
    auc: round(rocAuc(test.labels, scores)),
    accuracy: round(accuracy(test.labels, scores)),
    log_loss: round(logLoss(test.labels, scores)),
    train_rows: trainSet.rows.length,
    test_rows: test.rows.length,
  };
  const onnx = buildTabularClassifier({ name: opts.name, features: spec, layers: toDenseLayers(layers), docString: `${opts.kind} trained by switchyard` });
  return { onnx, metrics, params, spec, trainRows: trainSet.rows, testRows: test.rows, testScores: scores };
}
