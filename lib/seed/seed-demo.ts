// Idempotent demo data for a fresh install: team `demo`, an admin, an approver, and the model `credit-risk`
// with a logistic regression (v1, champion) and an MLP (v2, challenger) trained on German credit,
// served by a staging endpoint and a production one whose changes go through promotions.
import { writeFile } from "node:fs/promises";
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../db/client";
import type { ArtifactStore } from "../storage/artifact-store";
import { SYSTEM_ACTOR, type Principal } from "../auth/principal";
import { createEndpoint } from "../serving/control/endpoints/create-endpoint";
import { requestTraffic } from "../serving/control/endpoints/request-traffic";
import { hashPassword } from "../auth/password";
import { createModel } from "../registry/create-model";
import { createVersion } from "../registry/create-version";
import { setAlias } from "../registry/set-alias";
import { rowsToColumns } from "../drift/build-profile";
import { loadGermanCredit } from "../training/german-credit";
import { trainClassifier, type ClassifierKind } from "../training/train-classifier";
import { seedApprover, seedProduction } from "./seed-governance";
import { seedAlerts } from "./seed-alerts";
import { seedDriftSchedule } from "./seed-drift";

export const DEMO_TEAM = "demo";
export const DEMO_MODEL = "credit-risk";
export const DEFAULT_APPROVER_EMAIL = "approver@switchyard.local";

/**
 * Seeds the demo. The admin is created once: with `adminPassword` (automation: SEED_ADMIN_PASSWORD,
 * the e2e tests) as given, otherwise with a random password that is returned (`initialPassword`) to be
 * shown once and must be changed at first sign-in. The approver (`approverEmail`) likewise, with
 * `approverPassword` (SEED_APPROVER_PASSWORD).
 */
export async function seedDemo(opts: { db: Db; store: ArtifactStore; adminEmail: string; adminPassword?: string; approverEmail?: string; approverPassword?: string; redisUrl?: string; log?: (m: string) => void }) {
  const { db, store } = opts;
  const log = opts.log ?? (() => {});
  const team = await db.team.upsert({ where: { slug: DEMO_TEAM }, create: { slug: DEMO_TEAM, name: "Demo" }, update: {} });
  const email = opts.adminEmail.toLowerCase();
  let admin = await db.user.findUnique({ where: { email } });
  let initialPassword: string | undefined;
  if (!admin) {
    const password = opts.adminPassword ?? (initialPassword = randomBytes(12).toString("base64url"));
    admin = await db.user.create({ data: { email, name: "Admin", passwordHash: await hashPassword(password), mustChangePassword: !opts.adminPassword } });
    log(`created admin ${email}`);
  }
  await db.membership.upsert({
    where: { teamId_userId: { teamId: team.id, userId: admin.id } },
    create: { teamId: team.id, userId: admin.id, role: "admin" },
    update: {},
  });

  if (!(await db.model.findUnique({ where: { teamId_name: { teamId: team.id, name: DEMO_MODEL } } }))) {
    await createModel({ db, teamId: team.id, name: DEMO_MODEL, task: "binary_classification", description: "Probability that a German credit applicant defaults (credit_risk = bad).", actor: SYSTEM_ACTOR });
  }
  const model = await db.model.findUniqueOrThrow({ where: { teamId_name: { teamId: team.id, name: DEMO_MODEL } } });
  if (model.latestVersion < 2) await trainDemoVersions(db, store, team.id, model.latestVersion, log);
  const approver = await seedApprover(db, team.id, { email: opts.approverEmail ?? DEFAULT_APPROVER_EMAIL, password: opts.approverPassword, log });
  if (opts.redisUrl) {
    await seedEndpoint(db, opts.redisUrl, { id: team.id, slug: team.slug }, log);
    await seedProduction(db, opts.redisUrl, systemPrincipal(team), DEMO_MODEL, log);
    await seedAlerts(db, systemPrincipal(team), DEMO_MODEL, log);
    await seedDriftSchedule(db, systemPrincipal(team), DEMO_MODEL, log);
  }
  return { team: team.slug, model: DEMO_MODEL, admin: email, initialPassword, approver: approver.email, approverInitialPassword: approver.initialPassword };
}

/** The seed acts as the system, with an admin's rights, in the demo team. */
const systemPrincipal = (team: { id: string; slug: string }): Principal => ({ kind: "user", id: "system", label: "switchyard", teamId: team.id, teamSlug: team.slug, role: "admin", scopes: ["read", "write", "deploy"] });

/** The staging endpoint `credit-risk`: v1 90%, v2 10%, sticky on x-user-id. Carried out by the job workers. */
async function seedEndpoint(db: Db, redisUrl: string, team: { id: string; slug: string }, log: (m: string) => void) {
  if (await db.endpoint.findUnique({ where: { name: DEMO_MODEL } })) return;
  const principal = systemPrincipal(team);
  await createEndpoint({ db, principal, name: DEMO_MODEL, environment: "staging", description: "Demo: logistic regression with an MLP challenger", sticky: { header: "x-user-id" } });
  await requestTraffic({
    db, redisUrl, principal, endpointName: DEMO_MODEL,
    request: { model: DEMO_MODEL, strategy: "immediate", variants: [
      { version: 1, weight: 90, role: "primary", device: "cpu", replicas: 1 },
      { version: 2, weight: 10, role: "primary", device: "cpu", replicas: 1 },
    ] },
  });
  log(`created staging endpoint ${DEMO_MODEL} (v1 90%, v2 10%, sticky on x-user-id)`);
}

async function trainDemoVersions(db: Db, store: ArtifactStore, teamId: string, have: number, log: (m: string) => void) {

  const data = loadGermanCredit();
  const kinds: ClassifierKind[] = ["logistic_regression", "mlp"];
  for (const kind of kinds.slice(have)) {
    const trained = trainClassifier({ name: `${DEMO_MODEL}-${kind}`, data, kind });
    const tempFile = await store.tempPath();
    await writeFile(tempFile, trained.onnx);
    const v = await createVersion({
      db, store, teamId, modelName: DEMO_MODEL, actor: SYSTEM_ACTOR,
      upload: { tempFile, sha256: createHash("sha256").update(trained.onnx).digest("hex"), sizeBytes: trained.onnx.length },
      metadata: {
        metrics: { auc: trained.metrics.auc, accuracy: trained.metrics.accuracy, log_loss: trained.metrics.log_loss },
        // names the class the `probability` output is about, for ground-truth labels ("bad"/"good")
        params: { ...trained.params, positive_class: "bad" },
        tags: [kind === "mlp" ? "mlp" : "baseline"],
        dataset: "german_credit",
        description: kind === "mlp" ? "MLP, 16 hidden units" : "Logistic regression",
        parentVersion: kind === "mlp" ? 1 : undefined,
        referenceData: rowsToColumns(trained.trainRows),
      },
    });
    log(`trained ${DEMO_MODEL} v${v.number} (${kind}): AUC ${trained.metrics.auc}`);
  }
  await setAlias({ db, teamId, modelName: DEMO_MODEL, alias: "champion", version: 1, actor: SYSTEM_ACTOR });
  await setAlias({ db, teamId, modelName: DEMO_MODEL, alias: "challenger", version: 2, actor: SYSTEM_ACTOR });
}
