// The resource control policies' keys: where the RCPs attach, which services' resources they
// fence to the organization, and the partners let in by name.
import { z } from "zod";
import type { ConfigProblem } from "../errors";
import { ORG_ID } from "../patterns";
import { accountId, strictList, targetId } from "./common";
import { RCP_SERVICES } from "../../policypack/policies/rcp";
import { defaultPerimeterServices } from "../../components/rcpServices";

/**
 * The services RCPs apply to, as the service prefix their actions use: the policy pack's one list
 * (policypack/policies/rcp.ts, with AWS's sources). An RCP naming another service's actions
 * restricts nothing there, so only these are accepted. What the perimeter denies in each, and
 * which it fences by default, is components/rcpServices.ts's.
 */
export { RCP_SERVICES };
export type RcpService = string;
const SERVICES = RCP_SERVICES as readonly [string, ...string[]];

/**
 * Resource control policies, created in the management account. Off unless set: an RCP changes who
 * may reach every resource below its targets, so the targets are always explicit.
 */
export const resourceControlsSchema = z
    .strictObject({
        /** Where the RCPs attach: the root (r-...), OUs (ou-...-...) or member account ids. */
        targets: strictList(targetId(), "target ids").min(1, {
            error: "must name at least one root, OU or account id",
        }),
        /** The services whose resources only the organization may reach. Default: those AWS's identity-perimeter example fences (components/rcpServices.ts). */
        services: strictList(
            z.enum(SERVICES, {
                error: `must be one of the services RCPs support: ${RCP_SERVICES.join(", ")}`,
            }),
            "service prefixes",
        )
            .min(1, { error: "must name at least one service (or leave the key out for all)" })
            .default(() => defaultPerimeterServices()),
        /** Accounts outside the organization whose principals, and services acting for them, may still reach the resources (known partners). */
        trustedAccountIds: strictList(accountId(), "account ids").default([]),
        /** Other organizations whose principals, and services acting for them, may still reach the resources. */
        trustedOrganizationIds: strictList(
            z
                .string({ error: "must be an organization id such as o-abcdefghij" })
                .regex(ORG_ID, { error: "must be an organization id such as o-abcdefghij" }),
            "organization ids",
        ).default([]),
    })
    .optional();

export type ResourceControlSettings = NonNullable<z.infer<typeof resourceControlsSchema>>;

function stringsAt(v: unknown): { i: number; key: string }[] {
    return Array.isArray(v)
        ? v.flatMap((key, i) => (typeof key === "string" ? [{ i, key }] : []))
        : [];
}

/**
 * Rules across keys: RCPs never apply to the management account's resources, the organization
 * and its own accounts are already inside (listing them as partners would be a mistake that
 * passes silently), and nothing is listed twice.
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
 */
export function resourceControlProblems(values: Record<string, unknown>): ConfigProblem[] {
    const rcp = values.resourceControlPolicies;
    if (!rcp || typeof rcp !== "object" || Array.isArray(rcp)) return [];
    const r = rcp as Record<string, unknown>;
    const account = (v: unknown) =>
        v && typeof v === "object" ? (v as Record<string, unknown>).accountId : undefined;
    const management = account(values.managementAccount);
    const own = new Set(
        [values.securityAccountId, management, account(values.logArchiveAccount)].filter(
            (a): a is string => typeof a === "string",
        ),
    );
    const problems: ConfigProblem[] = [];
    for (const list of ["targets", "services", "trustedAccountIds", "trustedOrganizationIds"]) {
        const seen = new Map<string, number>();
        for (const { i, key } of stringsAt(r[list])) {
            const first = seen.get(key);
            if (first !== undefined)
                problems.push({
                    path: `resourceControlPolicies.${list}[${i}]`,
                    message: `"${key}" is listed twice (also at resourceControlPolicies.${list}[${first}])`,
                    fix: "list it once",
                });
            else seen.set(key, i);
        }
    }
    for (const { i, key } of stringsAt(r.targets))
        if (key === management)
            problems.push({
                path: `resourceControlPolicies.targets[${i}]`,
                message: `${key} is the management account; RCPs never apply to its resources`,
                fix: "attach to the root, an OU or member accounts instead",
            });
    for (const { i, key } of stringsAt(r.trustedAccountIds))
        if (own.has(key))
            problems.push({
                path: `resourceControlPolicies.trustedAccountIds[${i}]`,
                message: `${key} is an account of this organization, which the RCPs already let in`,
                fix: "list only accounts outside the organization",
            });
    for (const { i, key } of stringsAt(r.trustedOrganizationIds))
        if (key === values.organizationId)
            problems.push({
                path: `resourceControlPolicies.trustedOrganizationIds[${i}]`,
                message: `${key} is this organization (organizationId), which the RCPs already let in`,
                fix: "list only other organizations",
            });
    return problems;
}

/**
 * Partner accounts that are workload accounts of this organization (any workload stack's): the
 * RCPs already let them in, so listing them is a mistake that passes silently. Checked where the
 * workload stacks are read (config/index.ts), so every account the plan knows counts.
 */
export function partnerWorkloadProblems(
    rcp: ResourceControlSettings | undefined,
    stacks: readonly { stack: string; accounts: readonly { name: string; accountId: string }[] }[],
): ConfigProblem[] {
    if (!rcp) return [];
    const problems: ConfigProblem[] = [];
    rcp.trustedAccountIds.forEach((id, i) => {
        for (const t of stacks)
            for (const a of t.accounts)
                if (a.accountId === id)
                    problems.push({
                        path: `resourceControlPolicies.trustedAccountIds[${i}]`,
                        message: `${id} is workload account "${a.name}" of stack "${t.stack}", an account of this organization, which the RCPs already let in`,
                        fix: "list only accounts outside the organization",
                    });
    });
    return problems;
}
