-- AlterTable
ALTER TABLE "Endpoint" ADD COLUMN     "logInputs" DOUBLE PRECISION NOT NULL DEFAULT 1;

-- Records whose inputs the endpoint's input sampling left out (inputs NULL, everything else logged and
-- counted). Readers of inputs (the explorer, drift) tell such a record from one that had no inputs.
-- A constant default: Postgres adds the column to every partition without rewriting a row.
ALTER TABLE "PredictionLog" ADD COLUMN "inputsSampled" BOOLEAN NOT NULL DEFAULT true;
