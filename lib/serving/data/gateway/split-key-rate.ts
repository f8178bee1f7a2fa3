// The per-key rate limit is counted in memory, in each gateway process. Connections are spread over
// the processes of a clustered gateway, so each allows ⌈rate / processes⌉ requests per second per key
// and the gateway as a whole allows about the documented GATEWAY_KEY_RATE_PER_SECOND.
export const splitKeyRate = (ratePerSecond: number, processes: number): number => (ratePerSecond === 0 ? 0 : Math.ceil(ratePerSecond / processes));
