// How a logged prediction and its label become what the performance metrics read: the score, whether the
// predicted class was right, and the label as a number. The rule, in the README ("Ground truth and
// performance"), is written for the outputs models actually log: the seeded German-credit models give one
// `probability` [N,1] (P(credit_risk = bad)); sklearn models converted by skl2onnx give `label` and
// `probabilities` [N,2] (column 1 is the second class, sklearn's classes_[1]).
import { z } from "zod";

export type Task = "classification" | "regression";

/** A model's task is free text; "regression" anywhere in it means regression, anything else classification. */
export const taskOf = (task: string): Task => (/regress/i.test(task) ? "regression" : "classification");

export type Label = number | string;

/** What a labelled prediction contributes: null where it has nothing for that metric. */
export type Outcome = {
  /** 1/0 (positive class or not) for classification, the value for regression; null: multi-class or unknown positive */
  actual: number | null;
  /** P(positive) for binary classification, the predicted value for regression */
  score: number | null;
  /** classification: the predicted class is the label */
  correct: boolean | null;
};

/** The part of a version's params this rule reads (params are free JSON: anything else is ignored). */
export const outcomeParamsSchema = z.object({ positive_class: z.union([z.string(), z.number()]).optional() }).loose();

type Columns = Record<string, unknown[]>;

const numbers = (v: unknown[]): v is number[] => v.length > 0 && v.every((x) => typeof x === "number" && Number.isFinite(x));

/** The first output (in logged order) whose name matches and whose values are all numbers. */
function numericOutput(outputs: Columns, name: RegExp | null): number[] | null {
  for (const [k, v] of Object.entries(outputs)) if ((!name || name.test(k)) && Array.isArray(v) && numbers(v)) return v;
  return null;
}

const POSITIVE = new Set(["1", "true"]);
const NEGATIVE = new Set(["0", "false"]);

/** 1 for the positive class, 0 for another, null when the label does not say (no positive class known). */
function binaryActual(label: Label, positiveClass: string | number | undefined): number | null {
  const s = String(label);
  if (positiveClass !== undefined) return s === String(positiveClass) || POSITIVE.has(s) ? 1 : 0;
  if (POSITIVE.has(s)) return 1;
  if (NEGATIVE.has(s)) return 0;
  return null;
}

/**
 * The outcome of one one-row prediction, or why its label cannot be scored (a message about the label or the
 * outputs). `outputs` are the logged columns (each holds `rows` values per output column).
 */
export function readOutcome(opts: { task: Task; positiveClass?: string | number; outputs: Columns; label: Label }): Outcome | string {
  const { outputs, label } = opts;
  if (opts.task === "regression") {
    if (typeof label !== "number" || !Number.isFinite(label)) return "a regression label must be a number";
    const value = numericOutput(outputs, null);
    if (!value || value.length !== 1) return "the prediction's outputs hold no single number to compare with the label";
    return { actual: label, score: value[0], correct: null };
  }
  const probs = numericOutput(outputs, /prob/i);
  const labelOut = Object.entries(outputs).find(([k, v]) => /label|class/i.test(k) && Array.isArray(v) && v.length === 1)?.[1][0];
  const hasLabelOut = typeof labelOut === "string" || typeof labelOut === "number";
  let score: number | null = null;
  let argmax: number | null = null;
  if (probs && probs.length <= 2) score = probs[probs.length - 1];
  else if (probs) argmax = probs.indexOf(Math.max(...probs));
  else if (!hasLabelOut) {
    // no output named for probabilities or labels: a single number between 0 and 1 is read as P(positive)
    const one = numericOutput(outputs, null);
    if (one?.length === 1 && one[0] >= 0 && one[0] <= 1) score = one[0];
  }
  if (score === null && argmax === null && !hasLabelOut) return "the prediction's outputs hold no probability or label to compare with the label";
  const actual = argmax === null ? binaryActual(label, opts.positiveClass) : null;
  let correct: boolean;
  if (hasLabelOut) correct = String(labelOut) === String(label);
  else if (argmax !== null) correct = String(argmax) === String(label);
  else if (actual === null) return `label ${JSON.stringify(label).slice(0, 100)}: say which class is positive (send 1/0, or set the version's params.positive_class)`;
  else correct = (score! >= 0.5 ? 1 : 0) === actual;
  return { actual, score: actual === null ? null : score, correct };
}
