// The plans the graph proofs are tested on: a security stack with CI, incident responders and
// break-glass users, and a workload stack with a duty account, both built from test/helpers. Plans
// are made once; each test mutates a deep copy.
import { accessModel } from "../../../evidence/model";
import { ProofInput } from "../../../evidence/proofs";
import { PlannedResource, PlanResult, toModelResource } from "../../../plan/run";
import {
    MANAGEMENT,
    planSecurity,
    planWorkload,
    PROD,
    projectWith,
    SECURITY,
    securityValues,
    STAGING,
    workloadValues,
} from "../../helpers";

export const REPO = "example-org/org-access";
export const KEY = `arn:aws:kms:us-east-1:${MANAGEMENT}:key/11111111-2222-3333-4444-555555555555`;
export const ALICE = `arn:aws:iam::${SECURITY}:user/org-access/alice`;
export const CAROL = `arn:aws:iam::${SECURITY}:user/org-access/carol`;
export const DANA = `arn:aws:iam::${SECURITY}:user/org-access/break-glass/dana-breakglass`;
export const PREVIEW_IDENTITY = `arn:aws:iam::${MANAGEMENT}:role/org-access-github-preview`;
export const DEPLOY_IDENTITY = `arn:aws:iam::${MANAGEMENT}:role/org-access-github-deploy`;
export const OIDC = "token.actions.githubusercontent.com";

const ACCOUNTS = [
    { name: "prod", accountId: PROD, incidentResponseRole: true, breakGlassRole: true },
    { name: "staging", accountId: STAGING },
];

export interface Plans {
    readonly security: PlanResult;
    readonly workload: PlanResult;
}

let plans: Promise<Plans> | undefined;

async function plan(): Promise<Plans> {
    const security = await planSecurity(
        securityValues({
            ci: { repository: REPO, stateBucket: "example-state", stateKeyArn: KEY },
            guardrails: { targets: ["r-abcd"] },
            incidentResponse: { responders: ["carol"] },
            breakGlass: { users: ["dana-breakglass"] },
        }),
        projectWith({
            workload: {
                securityAccountId: SECURITY,
                workloadAccounts: ACCOUNTS,
                previewRole: { name: "OrgAccessPreviewRole" },
            },
        }),
    );
    const trusted = workloadValues().trustedPrincipals as Record<string, unknown>;
    const workload = await planWorkload(
        workloadValues({
            workloadAccounts: ACCOUNTS,
            previewRole: { name: "OrgAccessPreviewRole" },
            trustedPrincipals: {
                ...trusted,
                humanArns: [ALICE, `arn:aws:iam::${SECURITY}:user/org-access/bob`],
                incidentResponderArns: [CAROL],
                breakGlassArns: [DANA],
                previewIdentityArn: String(security.outputs.ciPreviewIdentityArn),
            },
        }),
    );
    return { security, workload };
}

/** The fixture's plans, planned once. */
export function fixturePlans(): Promise<Plans> {
    plans ??= plan();
    return plans;
}

/** What runPlan hands the proofs for `stack`, seen with `security` (plan/offline.ts). */
export function proofInput(stack: PlanResult, security: PlanResult): ProofInput {
    const resources = stack.resources.map(toModelResource);
    return {
        stack: stack.stack,
        kind: stack.stack === "security" ? "security" : "workload",
        model: accessModel({ stack, security }),
        resources,
        security: stack === security ? resources : security.resources.map(toModelResource),
        outputs: { ...security.outputs, ...stack.outputs },
    };
}

/** Both inputs of a pair of plans. */
export function inputs(p: Plans): { security: ProofInput; workload: ProofInput } {
    return {
        security: proofInput(p.security, p.security),
        workload: proofInput(p.workload, p.security),
    };
}

/** A deep copy of the plan with one resource's props changed. */
export function mutate(
    plan: PlanResult,
    name: string,
    change: (props: Record<string, unknown>) => void,
): PlanResult {
    const copy = JSON.parse(JSON.stringify(plan)) as PlanResult;
    const r = copy.resources.find((x) => x.name === name);
    if (!r) throw new Error(`no resource ${name}`);
    change(r.props);
    return copy;
}

/** A deep copy with one resource's policy document (`policy` or `assumeRolePolicy`) edited. */
export function withPolicy(
    plan: PlanResult,
    name: string,
    edit: (doc: any) => void,
    key?: "policy" | "assumeRolePolicy" | "content",
): PlanResult {
    return mutate(plan, name, (props) => {
        const k =
            key ??
            ("policy" in props ? "policy" : "content" in props ? "content" : "assumeRolePolicy");
        const doc = JSON.parse(String(props[k]));
        edit(doc);
        props[k] = JSON.stringify(doc);
    });
}

/** A deep copy with a role (and its inline policy) added to `accountId`. */
export function withRole(
    plan: PlanResult,
    accountId: string,
    name: string,
    trust: unknown,
    policy?: unknown,
): PlanResult {
    const copy = JSON.parse(JSON.stringify(plan)) as PlanResult;
    const base = copy.resources.find(
        (r) => r.type === "aws:iam/role:Role" && r.accountId === accountId,
    );
    if (!base) throw new Error(`no role in ${accountId} to copy the provider from`);
    const resource = (
        type: string,
        rname: string,
        props: Record<string, unknown>,
    ): PlannedResource => ({
        ...base,
        type,
        name: rname,
        urn: `${base.urn.split("::").slice(0, 2).join("::")}::${type}::${rname}`,
        id: rname,
        props,
        secretProps: [],
        options: { ...base.options, parent: undefined },
    });
    copy.resources.push(
        resource("aws:iam/role:Role", `${name}-role`, {
            name,
            path: "/",
            assumeRolePolicy: JSON.stringify(trust),
        }),
    );
    if (policy)
        copy.resources.push(
            resource("aws:iam/rolePolicy:RolePolicy", `${name}-policy`, {
                name: `${name}-policy`,
                role: name,
                policy: JSON.stringify(policy),
            }),
        );
    return copy;
}
