// Shared by the audit proofs' specs: the fixture plans (security stack with SCPs on the root, and
// the workload stack that trusts it), broken variants of them, and @cloud-copilot/iam-simulate as
// the oracle for the sweep's decisions.
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { accessModel, AccessModel, RoleModel } from "../../../evidence/model";
import { bindingScps, sweepAuditRoles } from "../../../evidence/proofs/sweep";
import {
    planSecurity,
    planWorkload,
    PROD,
    projectWith,
    securityValues,
    workloadValues,
} from "../../helpers";
import { EditableDocument, tamper } from "../../helpers/variants";
import auditManaged from "../../../policypack/iam/data/audit-managed-policies.json";
import { Plans } from "./fixture";

export const ROOT = "r-abcd";
export const AUDIT_ROLE = `arn:aws:iam::${PROD}:role/SecurityAuditRole`;

/** The workload overrides that opt the audit role into ReadOnlyAccess as well. */
export const WITH_READ_ONLY_ACCESS = {
    auditRole: { managedPolicies: ["SecurityAudit", "ViewOnlyAccess", "ReadOnlyAccess"] },
};

const planned = new Map<string, Promise<Plans>>();

/**
 * The security stack (SCPs on the root, one allowed region) and the workload stack trusting it,
 * planned once per run for each set of workload overrides; tests break copies
 * (test/helpers/variants.ts), never these plans.
 */
export function planFixture(workloadOverrides: Record<string, unknown> = {}): Promise<Plans> {
    const key = JSON.stringify(workloadOverrides);
    let plans = planned.get(key);
    if (!plans) {
        plans = plan(workloadOverrides);
        planned.set(key, plans);
    }
    return plans;
}

async function plan(workloadOverrides: Record<string, unknown>): Promise<Plans> {
    const workload = workloadValues(workloadOverrides);
    const security = await planSecurity(
        securityValues({
            guardrails: { targets: [ROOT], allowedRegions: ["us-east-1"] },
            breakGlass: { users: ["dana-breakglass"] },
        }),
        projectWith({ workload }),
    );
    return {
        security,
        workload: await planWorkload(workload, {
            stackOutputs: { "organization/org-access/security": security.outputs },
        }),
    };
}

/** The prod audit role's inline Deny, edited. */
export function withProdInline(plans: Plans, edit: (doc: EditableDocument) => void): Plans {
    return {
        ...plans,
        workload: tamper(
            plans.workload,
            (r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.accountId === PROD,
            (p) => {
                const d = JSON.parse(String(p.policy)) as EditableDocument;
                edit(d);
                return { ...p, policy: JSON.stringify(d) };
            },
        ),
    };
}

/** The prod audit role's inline Deny, with extra statements appended. */
export function withProdInlineStatements(
    plans: Plans,
    statements: Record<string, unknown>[],
): Plans {
    return withProdInline(plans, (d) => d.Statement.push(...statements));
}

/** The prod audit role's first managed-policy attachment, pointed at another ARN. */
export function withProdAttachment(plans: Plans, policyArn: string): Plans {
    let done = false;
    return {
        ...plans,
        workload: tamper(
            plans.workload,
            (r) => {
                const hit =
                    !done &&
                    r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" &&
                    r.accountId === PROD;
                if (hit) done = true;
                return hit;
            },
            (p) => ({ ...p, policyArn }),
        ),
    };
}

const MANAGED = (auditManaged as { policies: Record<string, { arn: string; document: unknown }> })
    .policies;

/** The role's raw documents, for the oracle: managed by name, inline as planned. */
function rawIdentity(plans: Plans, role: RoleModel): { name: string; policy: unknown }[] {
    const w = plans.workload.resources.filter((r) => r.accountId === role.accountId);
    return [
        ...w
            .filter((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            .map((r) => String(r.props.policyArn))
            .filter((arn) => MANAGED[arn.split("/").pop() as string])
            .map((arn) => ({
                name: arn,
                policy: MANAGED[arn.split("/").pop() as string].document,
            })),
        ...w
            .filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy")
            .map((r) => ({ name: r.name, policy: JSON.parse(String(r.props.policy)) })),
    ];
}

/**
 * iam-simulate's answer for the role's session: may it do `action` on `resource` (`*`: some
 * resource) in the stack's region, with the SCPs that bind the account in one level (every SCP of
 * the plan allows through FullAWSAccess, so one level decides as the levels would).
 */
export async function oracleAllows(
    plans: Plans,
    model: AccessModel,
    role: RoleModel,
    action: string,
    resource: string,
    context: Record<string, string> = { "aws:RequestedRegion": "us-east-1" },
): Promise<boolean> {
    const scps = bindingScps(model, role.accountId) ?? [];
    const rawScps = plans.security.resources
        .filter((r) => r.type === "aws:organizations/policy:Policy")
        .filter((r) => scps.some((s) => s.label === `SCP ${String(r.props.name)}`))
        .map((r) => ({ name: String(r.props.name), policy: JSON.parse(String(r.props.content)) }));
    const result = await runSimulation(
        {
            request: {
                principal: `arn:aws:sts::${role.accountId}:assumed-role/${role.name}/proof`,
                action,
                resource: { resource, accountId: role.accountId },
                contextVariables: context,
            },
            identityPolicies: rawIdentity(plans, role),
            serviceControlPolicies: [
                {
                    orgIdentifier: ROOT,
                    policies: [
                        {
                            name: "FullAWSAccess",
                            policy: {
                                Version: "2012-10-17",
                                Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
                            },
                        },
                        ...rawScps,
                    ],
                },
            ],
            resourceControlPolicies: [],
        },
        {},
    );
    if (result.resultType === "error")
        throw new Error(`oracle rejected ${action}: ${JSON.stringify(result.errors)}`);
    return result.overallResult === "Allowed";
}

/**
 * The prod audit role's sweep over the actions, each decision compared with iam-simulate's (on
 * the sweep's resource for an allowed action, on `*` for a denied one).
 */
export async function crossCheck(
    plans: Plans,
    actions: readonly string[],
): Promise<{ allowed: Map<string, string>; disagreements: string[] }> {
    const model = accessModel({ stack: plans.workload, security: plans.security });
    const role = model.roles.find((r) => r.arn === AUDIT_ROLE) as RoleModel;
    const [swept] = sweepAuditRoles({ ...model, roles: [role] }, actions);
    const allowed = new Map(swept.findings.map((f) => [f.action, f.resource]));
    const contexts = new Map(swept.findings.map((f) => [f.action, f.context]));
    const disagreements: string[] = [];
    for (const action of actions) {
        // An allowed action is asked in the context the sweep found it allowed in.
        const context = { "aws:RequestedRegion": "us-east-1", ...contexts.get(action) };
        const oracle = await oracleAllows(
            plans,
            model,
            role,
            action,
            allowed.get(action) ?? "*",
            context as Record<string, string>,
        );
        if (oracle !== allowed.has(action))
            disagreements.push(`${action}: sweep ${allowed.has(action)}, oracle ${oracle}`);
    }
    return { allowed, disagreements };
}
