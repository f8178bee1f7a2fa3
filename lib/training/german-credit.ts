// The German credit data set as Switchyard's demo and test data (fixtures/german_credit.csv).
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseCsv } from "./csv";
import { toTabular } from "./tabular-data";

export const GERMAN_CREDIT_CSV = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../fixtures/german_credit.csv");
export const GERMAN_CREDIT_NUMERIC = [
  "duration", "amount", "installment_rate_percentage", "residence_duration", "age",
  "number_existing_credits", "number_people_maintenance", "telephone", "foreign_worker",
];

/** Target: credit_risk, positive class "bad" (the model predicts the probability of default). */
export function loadGermanCredit(csvPath = GERMAN_CREDIT_CSV) {
  return toTabular(parseCsv(readFileSync(csvPath, "utf8")), { target: "credit_risk", positive: "bad", numeric: GERMAN_CREDIT_NUMERIC });
}
