// Names that become URL path segments (models, endpoints, aliases): one rule everywhere.
import { z } from "zod";

export const slugName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-_.]*$/, "use lowercase letters, digits, '-', '_' or '.', starting with a letter or digit");
