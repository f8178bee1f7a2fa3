// A drift report's statuses, declared once (the enum DriftReportStatus in schema.prisma).
export const DRIFT_REPORT_STATUSES = ["queued", "running", "succeeded", "failed"] as const;
export type DriftReportStatus = (typeof DRIFT_REPORT_STATUSES)[number];
export const FINISHED_REPORT: readonly DriftReportStatus[] = ["succeeded", "failed"];
