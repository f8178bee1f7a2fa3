// The console's main pages for one team, model and endpoint: the list the accessibility journey audits
// and `npm run bench:ui` times, kept in one place so a new page is added to both.
export function consolePages(o: { base: string; model: string; endpoint: string; version?: number; deployment?: string; promotion?: string; driftReport?: string }): [string, string][] {
  const t = o.base;
  return [
    ["models", `${t}/models`],
    ["model", `${t}/models/${o.model}`],
    ["version", `${t}/models/${o.model}/versions/${o.version ?? 1}`],
    ["compare", `${t}/models/${o.model}/compare?v=1,2`],
    ["endpoints", `${t}/endpoints`],
    ["endpoint", `${t}/endpoints/${o.endpoint}`],
    ["prediction log", `${t}/endpoints/${o.endpoint}/predictions`],
    ["drift reports", `${t}/endpoints/${o.endpoint}/drift`],
    ...(o.driftReport ? [["drift report", `${t}/drift-reports/${o.driftReport}`] as [string, string]] : []),
    ...(o.deployment ? [["deployment", `${t}/deployments/${o.deployment}`] as [string, string]] : []),
    ["promotions", `${t}/promotions`],
    ...(o.promotion ? [["promotion", `${t}/promotions/${o.promotion}`] as [string, string]] : []),
    ["alerts", `${t}/alerts`],
    ["policies", `${t}/policies`],
    ["audit", `${t}/audit`],
    ["tokens", `${t}/tokens`],
    ["members", `${t}/members`],
    ["profile", `${t}/profile`],
    ["channels", `${t}/admin/channels`],
    ["deliveries", `${t}/admin/deliveries`],
  ];
}
