// The fixture plans the log and outsider proofs run on: a security stack with CI, guardrails,
// incident response and break-glass, and a workload stack of two accounts that uses them, planned
// once per test run; and the proof input of either, optionally from a broken variant.
import { accessModel } from "../../../evidence/model";
import { ProofInput } from "../../../evidence/proofs";
import { PlanResult, toModelResource } from "../../../plan/run";
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
const STATE_KEY = `arn:aws:kms:us-east-1:${MANAGEMENT}:key/11111111-2222-3333-4444-555555555555`;
const ACCOUNTS = [
    { name: "prod", accountId: PROD, incidentResponseRole: true, breakGlassRole: true },
    { name: "staging", accountId: STAGING },
];

export interface Plans {
    readonly security: PlanResult;
    readonly workload: PlanResult;
}

let planned: Promise<Plans> | undefined;

/** Plans both stacks (once). */
export function plans(): Promise<Plans> {
    planned ??= (async () => {
        const security = await planSecurity(
            securityValues({
                ci: { repository: REPO, stateBucket: "example-state", stateKeyArn: STATE_KEY },
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
                    incidentResponderArns: [`arn:aws:iam::${SECURITY}:user/org-access/carol`],
                    breakGlassArns: [
                        `arn:aws:iam::${SECURITY}:user/org-access/break-glass/dana-breakglass`,
                    ],
                    previewIdentityArn: String(security.outputs.ciPreviewIdentityArn),
                },
            }),
        );
        return { security, workload };
    })();
    return planned;
}

/** The proof input of one stack, as plan/offline.ts builds it. */
export function inputOf(kind: "security" | "workload", p: Plans): ProofInput {
    const stack = kind === "security" ? p.security : p.workload;
    const security = p.security.resources.map(toModelResource);
    return {
        stack: kind,
        kind,
        model: accessModel({ stack, security: p.security }),
        resources: kind === "security" ? security : stack.resources.map(toModelResource),
        security,
        outputs: { ...p.security.outputs, ...stack.outputs },
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

/** A deep copy of the plan with one resource's policy document edited. */
export function withPolicy(
    plan: PlanResult,
    name: string,
    edit: (doc: { Statement: Record<string, any>[] }) => void,
): PlanResult {
    return mutate(plan, name, (props) => {
        const key = ["policy", "assumeRolePolicy", "content"].find((k) => k in props)!;
        const doc = JSON.parse(String(props[key]));
        edit(doc);
        props[key] = JSON.stringify(doc);
    });
}

/** A deep copy of the plan without the resources `drop` selects. */
export function without(plan: PlanResult, drop: (r: PlanResult["resources"][number]) => boolean) {
    const copy = JSON.parse(JSON.stringify(plan)) as PlanResult;
    return { ...copy, resources: copy.resources.filter((r) => !drop(r)) };
}

/** The index of the statement with this Sid. */
export function indexOf(doc: { Statement: Record<string, any>[] }, sid: string): number {
    const i = doc.Statement.findIndex((s) => s.Sid === sid);
    if (i < 0) throw new Error(`no statement ${sid}`);
    return i;
}
