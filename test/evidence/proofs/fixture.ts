// The plans the proofs over the access graph are tested on (and ciReachability.spec.ts walks): a
// security stack with CI, guardrails, incident responders and break-glass users, and a workload
// stack of two accounts that trusts them, both built from test/helpers. Plans are made once per
// test run; a test breaks a copy (test/helpers/variants.ts), never the plans themselves.
import { accessModel, AccessModel } from "../../../evidence/model";
import { ProofInput, stackKind } from "../../../evidence/proofs";
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
export function proofInput(
    stack: PlanResult,
    security: PlanResult,
    model?: AccessModel,
): ProofInput {
    const resources = stack.resources.map(toModelResource);
    return {
        stack: stack.stack,
        kind: stackKind(stack.stack),
        model: model ?? accessModel({ stack, security }),
        resources,
        security: stack === security ? resources : security.resources.map(toModelResource),
        outputs: { ...security.outputs, ...stack.outputs },
    };
}

/** The proof input of one stack of a pair of plans (`model`: another access model to hand it). */
export function inputOf(kind: keyof Plans, p: Plans, model?: AccessModel): ProofInput {
    return proofInput(p[kind], p.security, model);
}

/** Both inputs of a pair of plans. */
export function inputs(p: Plans): { security: ProofInput; workload: ProofInput } {
    return { security: inputOf("security", p), workload: inputOf("workload", p) };
}
