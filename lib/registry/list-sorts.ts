// The registry lists' sort orders (pure: the API contracts, the lists and the pages share them).
export const MODEL_SORTS = ["name", "-name", "createdAt", "-createdAt"] as const;
export type ModelSort = (typeof MODEL_SORTS)[number];

/** `number`, `createdAt` or `metrics.<name>`; a leading `-` sorts descending. */
export const VERSION_SORT = /^-?(?:number|createdAt|metrics\.[A-Za-z_][\w.@/-]{0,99})$/;
export const DEFAULT_VERSION_SORT = "-number";
