// The plans the proofs over the access graph are tested on (and ciReachability.spec.ts walks): a
// security stack with CI, guardrails, incident responders and break-glass users, and a workload
// stack of two accounts that trusts them, both built from test/helpers. Plans are made once per
// test run; a test breaks a copy (test/helpers/variants.ts), never the plans themselves.
import { accessModel, AccessModel } from "../../../evidence/model";
import { ProofInput, stackKind } from "../../../evidence/proofs";
import { PlanResult, toModelResource } from "../../../plan/run";
import {
    LOG_ARCHIVE,
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

// What the fixture plans, listed by hand from its config below (not from the graph the proofs
// build), so that a spec's expected `checked` shares no code with the proof it checks.

/**
 * The security stack's roles: the org trail's CloudWatch role and the two GitHub identities
 * (management), the log-archive admin role, and a preview role in each of management, log-archive
 * and security (`previewRole`).
 */
export const SECURITY_ROLES = [
    `arn:aws:iam::${MANAGEMENT}:role/org-access-cloudtrail-org-access`,
    `arn:aws:iam::${LOG_ARCHIVE}:role/OrgAccessLogArchiveAdmin`,
    PREVIEW_IDENTITY,
    DEPLOY_IDENTITY,
    `arn:aws:iam::${SECURITY}:role/OrgAccessPreviewRole`,
    `arn:aws:iam::${MANAGEMENT}:role/OrgAccessPreviewRole`,
    `arn:aws:iam::${LOG_ARCHIVE}:role/OrgAccessPreviewRole`,
];

/**
 * The workload stack's roles: in prod and staging an audit role and a preview role, and in prod
 * the incident-response and break-glass roles (ACCOUNTS below).
 */
export const WORKLOAD_ROLES = [
    `arn:aws:iam::${PROD}:role/SecurityAuditRole`,
    `arn:aws:iam::${PROD}:role/OrgAccessPreviewRole`,
    `arn:aws:iam::${PROD}:role/IncidentResponseRole`,
    `arn:aws:iam::${PROD}:role/BreakGlassRole`,
    `arn:aws:iam::${STAGING}:role/SecurityAuditRole`,
    `arn:aws:iam::${STAGING}:role/OrgAccessPreviewRole`,
];

/** The security stack's users: four people (alice, bob, carol, dana) and the reporter, a program. */
export const USERS = [
    ALICE,
    `arn:aws:iam::${SECURITY}:user/org-access/bob`,
    CAROL,
    DANA,
    `arn:aws:iam::${SECURITY}:user/org-access/reporter`,
];
export const PEOPLE = 4;

/** The roles each stack's proofs must see: a workload stack is seen with the security stack's. */
export const ROLES_SEEN = {
    security: SECURITY_ROLES,
    workload: [...WORKLOAD_ROLES, ...SECURITY_ROLES],
} as const;

/**
 * The GitHub tokens of unreviewed code the CI proofs pose, counted by hand. Repositories: the
 * fixture's (REPO) and any other. Starts: a pull request, a branch other than the deploy branch
 * `main` (one: no trust policy names another), a tag, and the deploy branch. Per start, 3
 * environment choices (none, `production` the deploy trust names, any other) x 3 workflow choices
 * (none, `deploy.yml`, any other) = 9 tokens. Unreviewed: REPO's pull request, other branch and
 * tag (3 x 9 = 27), and every start of the other repository (4 x 9 = 36): 63.
 */
export const UNREVIEWED_TOKENS = 63;

/** The staging audit role and its policies, as the workload stack names them. */
export const STAGING_AUDIT_ROLE_RESOURCES = [
    `acct-${STAGING}-role`,
    `acct-${STAGING}-deny`,
    `acct-${STAGING}-securityaudit`,
    `acct-${STAGING}-viewonlyaccess`,
];

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
