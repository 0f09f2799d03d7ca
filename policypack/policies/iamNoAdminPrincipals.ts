/**
 * iam-no-admin-principals (mandatory): no role, user or group holds admin-equivalent power through
 * the combination of the policies it holds, or by rewriting its own. iam-no-admin-grants judges
 * each document and attachment alone; this policy judges each principal's effective permissions:
 * every inline policy, every attachment (customer-managed policies from the stack, AWS-managed ones
 * from the generated table), its groups' policies, capped by its permissions boundary. The rule is
 * the model's (policypack/iam/principal.ts, on top of admin.ts): iam:PassRole on any role with a
 * compute action held elsewhere, rewriting its own policies (by ARN, prefix or policy variable) or
 * a customer-managed policy it holds, taking over a role or user it may write and enter or create,
 * joining an admin-equivalent group, and running code as an admin-equivalent role of the plan
 * (iam:PassRole on it with a consumer its trust lets in, or changing the code of a function,
 * instance, build project, stack, notebook... that runs as it: model/computeRoles.ts).
 * The principals a StackSet's or stack's template creates are judged the same way, one stack
 * instance's account at a time and each template variant apart (./templatePrincipals.ts).
 *
 * The exemption is iam-no-admin-grants's: roles listed in `breakGlassRoles` (which that policy
 * holds to MFA and short sessions).
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { adminEquivalentManagedPolicy, findAdminGrants, statementLabel } from "../iam";
import {
    AdminCompute,
    AdminRole,
    ComputeNeighbours,
    findComputeAdmin,
    findPrincipalAdmin,
    PrincipalFinding,
    PrincipalNeighbours,
    RoleCompute,
} from "../iam/principal";
import { parsePolicyDocument, PlanCompute, PlannedPolicies } from "../iam";
import { stackCompute } from "../model/computeRoles";
import { fromPolicyResources } from "../model/policyResources";
import { principalArn, StackPrincipal, stackPrincipals } from "../model/principals";
import { ModelResource, str, stringArray } from "../model/resources";
import { known, nameIn, pulumiNameIn } from "./common";
import { plannedPolicies } from "./plannedPolicies";
import { templatePrincipalVariants } from "./templatePrincipals";
import { TEMPLATE_TYPES } from "./templates";
import { T } from "./types";

export const NAME = "iam-no-admin-principals";

interface Config {
    breakGlassRoles: string[];
}

const FIX =
    "Fix: grant the specific actions on the specific resources the principal needs, scope iam:PassRole and IAM writes to named roles, users and policies that are not its own, or cap it with a permissions boundary; if this is an emergency (break-glass) role, list it in breakGlassRoles.";

/** The group-policy attachments of a stack, by account and group name (read once, not per group). */
function groupAttachments(resources: readonly ModelResource[]): Map<string, ModelResource[]> {
    const out = new Map<string, ModelResource[]>();
    const add = (account: string | undefined, group: unknown, r: ModelResource) => {
        const key = `${account}\u0000${String(group)}`;
        out.set(key, [...(out.get(key) ?? []), r]);
    };
    for (const r of resources) {
        if (r.type === T.GroupPolicyAttachment) add(r.accountId, r.props.group, r);
        else if (r.type === T.PolicyAttachment)
            for (const g of stringArray(r.props.groups)) add(r.accountId, g, r);
    }
    return out;
}

/** Why a group is admin-equivalent for its members, if it is. */
function groupAdmin(
    g: StackPrincipal,
    attachments: ReadonlyMap<string, readonly ModelResource[]>,
): string | undefined {
    for (const p of g.policies.identity) {
        const [f] = findAdminGrants(p.doc, g.policies.boundaries);
        if (f) return `${p.label} ${statementLabel(f.statement)} ${f.detail}`;
    }
    const attached = attachments.get(`${g.resource.accountId}\u0000${g.name}`) ?? [];
    for (const a of attached) {
        const arn = str(a.props.policyArn) ?? "";
        if (adminEquivalentManagedPolicy(arn)) return `it attaches ${arn}`;
    }
    const [f] = findPrincipalAdmin(g.policies);
    return f?.detail;
}

/** The service principals a role's trust policy lets in (none when it does not parse). */
function trustedServices(role: ModelResource): string[] {
    const raw = role.props.assumeRolePolicy;
    if (raw === undefined || raw === null || raw === "") return [];
    try {
        return parsePolicyDocument(raw, "trust").statements.flatMap((s) =>
            s.effect === "Allow" ? (s.principal?.service ?? []) : [],
        );
    } catch {
        return [];
    }
}

/** Why a role is admin-equivalent on its own, if it is: a held document, or what it holds together. */
function roleAdmin(r: StackPrincipal, findings: readonly PrincipalFinding[]): string | undefined {
    for (const p of r.policies.identity) {
        const [f] = findAdminGrants(p.doc, r.policies.boundaries);
        if (f) return `${p.label} ${statementLabel(f.statement)} ${f.detail}`;
    }
    return findings[0]?.detail;
}

/** One admin-equivalent principal, and the sentence that says why. */
export interface AdminPrincipal {
    readonly principal: StackPrincipal;
    readonly message: string;
}

interface Analysis {
    readonly principals: readonly StackPrincipal[];
    readonly findings: ReadonlyMap<StackPrincipal, PrincipalFinding[]>;
    readonly alone: (p: StackPrincipal) => boolean;
    readonly neighboursOf: (account: string | undefined) => ComputeNeighbours;
    readonly principalNeighboursOf: (account: string | undefined) => PrincipalNeighbours;
}

/**
 * The principals of a set of resources, what each holds through the combination of its
 * policies, and per account the plan's admin-equivalent roles with the compute running as them.
 */
function analyse(resources: readonly ModelResource[], plan: PlannedPolicies): Analysis {
    // Customer-managed boundaries that grants pin are judged against the plan's policies, as
    // iam-no-admin-grants's stack check does (iam/boundaries.ts).
    const principals = stackPrincipals(resources, plan);
    // Indexed once: a stack of thousands of principals must not scan them all per principal.
    const arnsByAccount = new Map<string, string[]>();
    for (const p of principals) {
        const key = `${p.policies.kind}\u0000${p.resource.accountId}`;
        const list = arnsByAccount.get(key);
        if (list) list.push(p.policies.arn);
        else arnsByAccount.set(key, [p.policies.arn]);
    }
    const byAccount = (kind: string, account: string | undefined) =>
        arnsByAccount.get(`${kind}\u0000${account}`) ?? [];
    const attachments = groupAttachments(resources);
    const adminGroups = new Map<string | undefined, { arn: string; why: string }[]>();
    for (const g of principals.filter((p) => p.policies.kind === "group")) {
        const why = groupAdmin(g, attachments);
        if (!why) continue;
        const list = adminGroups.get(g.resource.accountId) ?? [];
        list.push({ arn: principalArn(g.resource, "group"), why });
        adminGroups.set(g.resource.accountId, list);
    }
    const findings = new Map<StackPrincipal, PrincipalFinding[]>();
    // A principal holding a document admin-equivalent alone is iam-no-admin-grants's finding
    // (on that document): it is admin already, and trying every planned role and user as a
    // takeover target for it would cost a decision per pair (a stack of many admin roles).
    const alone = (p: StackPrincipal) =>
        p.policies.identity.some((d) => findAdminGrants(d.doc, p.policies.boundaries).length > 0);
    // Per planned role: the customer-managed policies it holds, and the compute running as it
    // (a principal that may write a role's policies and run code as it takes it over).
    const managedOf = new Map<string, readonly string[]>();
    const roleByRef = new Map<string, string>();
    for (const p of principals) {
        if (p.policies.kind !== "role") continue;
        if (p.policies.managed.length > 0)
            managedOf.set(
                p.policies.arn,
                p.policies.managed.map((m) => m.arn),
            );
        roleByRef.set(p.policies.arn, p.policies.arn);
        roleByRef.set(`${p.resource.accountId}/${p.name}`, p.policies.arn);
    }
    // The plan's compute, each with the role it runs as (by ARN, or by name in its account);
    // `runAs` indexes it by role, and the admin compute below is its admin-role part.
    const byRef = <T>(refs: ReadonlyMap<string, T>, ref: string, account: string | undefined) =>
        refs.get(ref) ?? refs.get(`${account}/${ref.split("/").pop()}`);
    const computeAs: { account: string | undefined; ref: string; compute: RoleCompute }[] = [];
    if (roleByRef.size > 0)
        for (const c of stackCompute(resources)) {
            const ref = c.role();
            if (!ref) continue;
            const account = c.resource.accountId;
            const roleArn = byRef(roleByRef, ref, account);
            if (!roleArn) continue;
            computeAs.push({
                account,
                ref,
                compute: {
                    what: `${c.resource.type.split(":").pop()} ${c.resource.name}`,
                    arn: c.arn,
                    actions: c.type.actions,
                    needs: c.type.needs,
                    passRole: c.type.passRole,
                    roleArn,
                },
            });
        }
    const runAs = new Map<string, RoleCompute[]>();
    for (const { compute } of computeAs) {
        const list = runAs.get(compute.roleArn) ?? [];
        list.push(compute);
        runAs.set(compute.roleArn, list);
    }
    // Break-glass roles are not reported, but whether they are admin matters below.
    const principalNeighboursOf = (account: string | undefined): PrincipalNeighbours => ({
        roles: byAccount("role", account),
        users: byAccount("user", account),
        adminGroups: adminGroups.get(account) ?? [],
        managedOf,
        runAs,
    });
    for (const p of principals) {
        if (alone(p)) {
            findings.set(p, []);
            continue;
        }
        findings.set(
            p,
            findPrincipalAdmin(p.policies, principalNeighboursOf(p.resource.accountId)),
        );
    }

    // Admin-equivalent roles of the plan, and the compute that runs as them (indexed by
    // account, role ARN and role name once: never a scan of every principal per resource).
    const adminRoles = new Map<string | undefined, AdminRole[]>();
    const adminRoleByRef = new Map<string, AdminRole>();
    for (const p of principals) {
        if (p.policies.kind !== "role") continue;
        const why = roleAdmin(p, findings.get(p) ?? []);
        if (!why) continue;
        const role: AdminRole = {
            arn: p.policies.arn,
            why,
            services: trustedServices(p.resource),
        };
        const list = adminRoles.get(p.resource.accountId) ?? [];
        list.push(role);
        adminRoles.set(p.resource.accountId, list);
        adminRoleByRef.set(p.policies.arn, role);
        adminRoleByRef.set(`${p.resource.accountId}/${p.name}`, role);
    }
    const adminCompute = new Map<string | undefined, AdminCompute[]>();
    for (const { account, ref, compute } of computeAs) {
        const role = byRef(adminRoleByRef, ref, account);
        if (!role) continue;
        const list = adminCompute.get(account) ?? [];
        list.push({ ...compute, roleArn: role.arn, why: role.why });
        adminCompute.set(account, list);
    }

    const computeNeighbours = new Map<string | undefined, ComputeNeighbours>();
    const neighboursOf = (account: string | undefined) => {
        let n = computeNeighbours.get(account);
        if (!n)
            computeNeighbours.set(
                account,
                (n = new ComputeNeighbours(
                    adminRoles.get(account) ?? [],
                    adminCompute.get(account) ?? [],
                )),
            );
        return n;
    };
    return { principals, findings, alone, neighboursOf, principalNeighboursOf };
}

/**
 * The plan's admin-equivalent roles and the compute running as them, per account: what
 * iam-no-admin-grants's stack check judges customer-managed and AWS-managed boundaries against
 * (a boundary that lets what it bounds change the code of a function running as an admin role
 * caps nothing). Break-glass roles count: they are admin.
 */
export function planCompute(
    resources: readonly ModelResource[],
    plan: PlannedPolicies,
): PlanCompute {
    const a = analyse(resources, plan);
    return (account) => ({
        compute: a.neighboursOf(account),
        principals: a.principalNeighboursOf(account),
    });
}

/**
 * The admin-equivalent principals of a set of resources (a stack's, or one variant of a
 * template's), break-glass roles left out.
 */
export function adminPrincipals(
    resources: readonly ModelResource[],
    breakGlassRoles: readonly string[],
): AdminPrincipal[] {
    const out: AdminPrincipal[] = [];
    const { principals, findings, alone, neighboursOf } = analyse(
        resources,
        plannedPolicies(resources),
    );
    const exempt = (p: StackPrincipal) =>
        p.policies.kind === "role" &&
        (nameIn(p.name, breakGlassRoles ?? []) ||
            pulumiNameIn(p.resource.name, breakGlassRoles ?? []));
    for (const p of principals) {
        if (exempt(p)) continue;
        const kind = p.policies.kind;
        const account = p.resource.accountId;
        let found = findings.get(p) ?? [];
        if (found.length === 0 && !alone(p))
            found = findComputeAdmin(p.policies, neighboursOf(account));
        for (const f of found)
            out.push({
                principal: p,
                message: `${kind[0].toUpperCase()}${kind.slice(1)} "${p.name}" is admin-equivalent through what it holds: ${f.detail}.${p.policies.boundary ? ` Its permissions boundary ${p.policies.boundary.arn} does not cap this.` : ""} ${FIX}`,
            });
    }
    return out;
}

export const iamNoAdminPrincipals: StackValidationPolicy = {
    name: NAME,
    description:
        "No role, user or group is admin-equivalent through the combination of its policies (inline, attached, its groups', capped by its boundary) by rewriting its own (PassRole + compute across policies, self- and prefix-targeted IAM writes), or by running code as an admin role of the plan (PassRole to it, or changing the code of a function, instance, project, stack... that runs as it), except break-glass roles.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            breakGlassRoles: {
                type: "array",
                items: { type: "string" },
                default: [],
                description:
                    "IAM role names (or Pulumi names) allowed to hold admin power, as in iam-no-admin-grants (which holds them to MFA and short sessions).",
            },
        },
    },
    validateStack: (args, report) => {
        const { breakGlassRoles } = args.getConfig<Config>();
        const resources = fromPolicyResources(args.resources);
        for (const f of adminPrincipals(resources, breakGlassRoles ?? []))
            report(f.message, f.principal.resource.urn);
        // The principals a StackSet (or stack) template creates, in each account it deploys to:
        // judged as a stack of their own, since every stack instance holds the same ones. One
        // message per finding across the template's variants.
        for (const carrier of resources) {
            if (!TEMPLATE_TYPES.includes(carrier.type)) continue;
            // A template the engine does not know yet (preview) is judged once it is known.
            const read = known(() => templatePrincipalVariants(carrier));
            if ("unknown" in read) continue;
            const seen = new Set<string>();
            for (const variant of read.value)
                for (const f of adminPrincipals(variant, breakGlassRoles ?? [])) {
                    const message = `In the template of ${carrier.name}, resource ${f.principal.resource.name.slice(carrier.name.length + 1)}: ${f.message}`;
                    if (seen.has(message)) continue;
                    seen.add(message);
                    report(message, carrier.urn);
                }
        }
    },
};
