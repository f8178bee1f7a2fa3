// What node:util parseArgs gives the commands: strings, booleans, and string lists for repeatable flags.
export type Flags = Record<string, string | string[] | boolean | undefined>;
