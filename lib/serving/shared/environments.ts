// Where an endpoint serves, from the Prisma enum: the database is the one declaration.
import { Environment } from "../../generated/prisma/enums";

export { Environment };
export const ENVIRONMENTS = Object.values(Environment) as [Environment, ...Environment[]];
