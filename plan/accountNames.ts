// The name each account of a planned stack goes by, for every line of the plan that names an
// account by its id: people know their accounts by name, AWS and the plan by id.
import { PlannedResource } from "./run";

/** What the names are read from: a planned stack's resources and outputs. */
export interface NamedPlan {
    /** Its resources; only the providers' names and accounts are read. */
    readonly resources: readonly Pick<PlannedResource, "type" | "name" | "accountId">[];
    readonly outputs?: Record<string, unknown>;
}

const ROLES: readonly (readonly [string, string])[] = [
    // The security stack's fixed labels (config/index.ts); an account holding two roles (the
    // management account as log archive) goes by the first, as the stack's own providers do.
    ["securityAccountId", "security"],
    ["managementAccountId", "management"],
    ["logArchiveAccountId", "log-archive"],
];

/**
 * The account names of one planned stack, by account id: a workload account's
 * `workloadAccounts[].name` (the stack's `accounts` output, straight from config), the security
 * stack's accounts by their role, and any other account (a StackSet admin, an Identity Center
 * administrator) by its provider's name. The outputs come from config, not from the cloud, so a
 * first preview knows them too.
 */
export function accountNames(plan: NamedPlan): Map<string, string> {
    const names = new Map<string, string>();
    const outputs = plan.outputs ?? {};
    const set = (id: unknown, name: unknown) => {
        if (typeof id === "string" && typeof name === "string" && name && !names.has(id))
            names.set(id, name);
    };
    if (Array.isArray(outputs.accounts))
        for (const a of outputs.accounts as { accountId?: unknown; name?: unknown }[])
            set(a?.accountId, a?.name);
    // A workload stack outputs its security account's id too: that account is not one it
    // deploys into, and its name is the security stack's business.
    if (outputs.managementAccountId !== undefined)
        for (const [key, label] of ROLES) set(outputs[key], label);
    // Provider names last: a workload account's is id-derived (acct-<id>), which names nothing.
    for (const r of plan.resources)
        if (r.type.startsWith("pulumi:providers:") && r.accountId && !/^acct-\d{12}/.test(r.name))
            set(r.accountId, r.name);
    return names;
}

/** `777788889999 (prod)`, or the id alone when the account has no known name. */
export function accountLabel(id: string | null, name: string | null | undefined): string {
    if (id === null) return "(no account)";
    return name ? `${id} (${name})` : id;
}
