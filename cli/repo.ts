// Entry of `npm run cli -- <command>` inside the repository: the REST commands plus the admin
// commands, which talk to the database (DATABASE_URL) through Prisma. Prisma is loaded only for them.
import { API_COMMANDS, main, type Runner } from "./main";

const admin = (name: "adminCreateToken" | "adminAddMember" | "adminAudit"): Runner => async (...args) => (await import("./admin"))[name](...args);

process.exitCode = await main(process.argv.slice(2), {
  commands: { ...API_COMMANDS, "admin create-token": admin("adminCreateToken"), "admin add-member": admin("adminAddMember"), "admin audit": admin("adminAudit") },
  prog: "npm run cli --",
});
