/** What the job workers give a drift report (from jobsEnv): its child process's sources and limits. */
export type DriftReportSettings = {
  databaseUrl: string;
  artifactDir: string;
  timeoutMs: number;
  maxMemoryMb: number;
  maxRows: number;
};
