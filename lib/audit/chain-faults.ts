/**
 * Why an event does not verify: its own fields do not give its hash ("hash mismatch"), it does not
 * name the previous event's hash ("broken link"), events before it are missing ("gap"), or it was
 * written around the chain, with no place in it ("unchained").
 */
export const CHAIN_FAULTS = ["hash mismatch", "broken link", "gap", "unchained"] as const;
export type ChainFault = (typeof CHAIN_FAULTS)[number];
