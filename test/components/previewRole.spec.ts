import * as assert from "assert";
import { InputError } from "../../config";
import { auditDenyPolicy } from "../../components/auditRole";
import {
    PREVIEW_DENIED_MANAGED_WRITES,
    PREVIEW_EXTRA_READ_ACTIONS,
    previewReadsPolicy,
    previewRoleTrustPolicy,
    REFRESH_READ_ACTIONS,
} from "../../components/previewRole";
import { PlannedResource, PlanResult } from "../../plan/run";
import { evaluateRequest, parsePolicyDocument, PolicyDocument } from "../../policypack/iam";
import {
    doc,
    LOG_ARCHIVE,
    MANAGEMENT,
    ofType,
    one,
    planSecurity,
    planWorkload,
    PROD,
    projectWith,
    rejection,
    SECURITY,
    securityValues,
    STAGING,
    workloadValues,
} from "../helpers";
import { childrenOf, planComponents } from "../helpers/components";
import { allowedWrites, managedPolicyDocument } from "../helpers/writes";

const IDENTITY = `arn:aws:iam::${MANAGEMENT}:role/org-access-github-preview`;
const CI = { ci: { repository: "example-org/org-access", stateBucket: "example-state" } };
const WORKLOAD = {
    previewRole: { name: "OrgAccessPreviewRole" },
    trustedPrincipals: {
        ...(workloadValues().trustedPrincipals as object),
        previewIdentityArn: IDENTITY,
    },
};

/** The children of one PreviewRole component, by the component's name. */
function previewRole(plan: PlanResult, name: string) {
    const byName = (type: string, child: string): PlannedResource[] =>
        plan.resources.filter((r) => r.type === type && r.name === `${name}-${child}`);
    const [role] = byName("aws:iam/role:Role", "role");
    return {
        role,
        attachments: ["securityaudit", "viewonlyaccess"].flatMap((p) =>
            byName("aws:iam/rolePolicyAttachment:RolePolicyAttachment", p),
        ),
        reads: byName("aws:iam/rolePolicy:RolePolicy", "reads")[0],
        deny: byName("aws:iam/rolePolicy:RolePolicy", "deny")[0],
    };
}

/** Every document that decides what the role may do: managed policies and inline policies. */
function documents(r: ReturnType<typeof previewRole>): PolicyDocument[] {
    return [
        ...r.attachments.map((a) => managedPolicyDocument(String(a.props.policyArn))),
        parsePolicyDocument(String(r.reads.props.policy), "identity"),
        parsePolicyDocument(String(r.deny.props.policy), "identity"),
    ];
}

describe("PreviewRole: read-only configuration access for pull-request previews", () => {
    let workload: PlanResult;
    let security: PlanResult;
    before(async () => {
        workload = await planWorkload(workloadValues(WORKLOAD));
        security = await planSecurity(
            securityValues({
                ...CI,
                guardrails: { targets: ["r-abcd"] },
                breakGlass: { users: ["dana-breakglass"] },
            }),
            projectWith({
                workload: {
                    securityAccountId: SECURITY,
                    workloadAccounts: [{ name: "prod", accountId: PROD }],
                    previewRole: { name: "OrgAccessPreviewRole" },
                },
            }),
        );
    });

    it("exists in every workload account, through that account's provider, trusted only by the exact preview identity", () => {
        // Named from the account id (stacks/resourceNames.ts): acct-<id>-preview.
        for (const [name, account] of [
            [`acct-${PROD}`, PROD],
            [`acct-${STAGING}`, STAGING],
        ]) {
            const component = one(workload, "org-access:ci:PreviewRole", `${name}-preview`);
            assert.ok(component.component);
            const r = previewRole(workload, `${name}-preview`);
            assert.strictEqual(r.role.accountId, account, name);
            assert.strictEqual(r.role.props.name, "OrgAccessPreviewRole");
            assert.strictEqual(r.role.props.maxSessionDuration, 3600);
            assert.deepStrictEqual(doc(r.role.props.assumeRolePolicy).Statement, [
                {
                    Sid: "CiPreviewIdentityOnly",
                    Effect: "Allow",
                    Principal: { AWS: IDENTITY },
                    Action: "sts:AssumeRole",
                },
            ]);
            assert.deepStrictEqual(
                r.attachments.map((a) => [a.accountId, a.props.policyArn]),
                [
                    [account, "arn:aws:iam::aws:policy/SecurityAudit"],
                    [account, "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"],
                ],
            );
            // The audit role's Deny, as auditRole.ts defines it today (another change may extend it).
            assert.deepStrictEqual(JSON.parse(String(r.deny.props.policy)), auditDenyPolicy());
            assert.deepStrictEqual(JSON.parse(String(r.reads.props.policy)), previewReadsPolicy());
        }
        assert.deepStrictEqual(workload.outputs.previewRoleArns, {
            prod: `arn:aws:iam::${PROD}:role/OrgAccessPreviewRole`,
            staging: `arn:aws:iam::${STAGING}:role/OrgAccessPreviewRole`,
        });
    });

    it("exists in the security, management and log-archive accounts of the security stack, once per account", async () => {
        assert.deepStrictEqual(
            ofType(security, "org-access:ci:PreviewRole")
                .map((c) => c.name)
                .sort(),
            ["log-archive-preview", "management-preview", "security-preview"],
        );
        for (const [name, account] of [
            ["security-preview", SECURITY],
            ["management-preview", MANAGEMENT],
            ["log-archive-preview", LOG_ARCHIVE],
        ])
            assert.strictEqual(previewRole(security, name).role.accountId, account, name);
        // With the log archive in the security account there is one role there, not two.
        const values = securityValues(CI);
        delete values.logArchiveAccount;
        const shared = await planSecurity(
            values,
            projectWith({
                workload: {
                    securityAccountId: SECURITY,
                    workloadAccounts: [{ name: "prod", accountId: PROD }],
                    previewRole: {},
                },
            }),
        );
        assert.deepStrictEqual(
            ofType(shared, "org-access:ci:PreviewRole")
                .map((c) => c.name)
                .sort(),
            ["management-preview", "security-preview"],
        );
    });

    it("allows nothing at a write access level, per the full action list and the managed policy documents", async () => {
        for (const [plan, name] of [
            [workload, `acct-${PROD}-preview`],
            [security, "management-preview"],
        ] as const)
            assert.deepStrictEqual(
                await allowedWrites(documents(previewRole(plan, name))),
                [],
                name,
            );
        // The check sees writes: the managed policies alone allow exactly the ones the role denies.
        const managed = documents(previewRole(workload, `acct-${PROD}-preview`)).slice(0, 2);
        assert.deepStrictEqual(
            await allowedWrites(managed),
            [...PREVIEW_DENIED_MANAGED_WRITES].sort(),
        );
    });

    it("can read what refreshing each resource type of this program reads, and the Deny blocks none of it", () => {
        const docs = documents(previewRole(workload, `acct-${PROD}-preview`));
        const types = new Set(
            [...workload.resources, ...security.resources]
                .filter((r) => !r.component && r.type.startsWith("aws:"))
                .map((r) => r.type),
        );
        // A new resource type without its refresh reads listed fails here first.
        assert.deepStrictEqual(
            [...types].filter((t) => !(t in REFRESH_READ_ACTIONS)),
            [],
        );
        const missing = Object.entries(REFRESH_READ_ACTIONS).flatMap(([type, actions]) =>
            actions
                .filter(
                    (action) =>
                        evaluateRequest(docs, { action, resource: "*" }).decision !== "Allow",
                )
                .map((action) => `${type}: ${action}`),
        );
        assert.deepStrictEqual(missing, []);
    });

    it("keeps its inline policies within IAM's 10,240-character quota per role", () => {
        // Role inline policies share one quota, whitespace not counted:
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
        const r = previewRole(workload, `acct-${PROD}-preview`);
        const size = [r.reads, r.deny]
            .map((p) => String(p.props.policy).replace(/\s/g, "").length)
            .reduce((a, b) => a + b, 0);
        assert.ok(size <= 10240, `${size} characters`);
    });

    it("adds inline only the reads the managed policies miss", () => {
        const managed = documents(previewRole(workload, `acct-${PROD}-preview`)).slice(0, 2);
        for (const action of PREVIEW_EXTRA_READ_ACTIONS)
            assert.notStrictEqual(
                evaluateRequest(managed, { action, resource: "*" }).decision,
                "Allow",
                action,
            );
    });

    it("the security stack refuses ci while a provider-mode workload stack has no preview role", async () => {
        const e = await rejection(
            planSecurity(
                securityValues(CI),
                projectWith({
                    workload: {
                        securityAccountId: SECURITY,
                        workloadAccounts: [{ name: "prod", accountId: PROD }],
                    },
                }),
            ),
        );
        assert.match(
            e.message,
            /\* org-access:workloadStacks\[0\]: ci is configured, but stack "workload" has no previewRole, so pull requests could not preview its accounts \(pulumi config set --stack workload --path 'org-access:previewRole.name' OrgAccessPreviewRole\)/,
        );
    });

    it("refuses to trust anything but one exact role ARN", () => {
        for (const arn of [
            "arn:aws:iam::123456789012:role/*",
            "arn:aws:iam::123456789012:role/org-access-github-*",
            "arn:aws:iam::123456789012:user/org-access-github-preview",
            "arn:aws:iam::123456789012:root",
            "*",
            "",
            "arn:aws:iam::12345678901:role/x",
        ])
            assert.throws(() => previewRoleTrustPolicy(arn), InputError, arn);
    });

    it("is not created without previewRole, and fails rather than trusting nobody when the identity is missing", async () => {
        const none = await planWorkload(workloadValues());
        assert.deepStrictEqual(ofType(none, "org-access:ci:PreviewRole"), []);
        const values = workloadValues({ previewRole: {} });
        delete values.trustedPrincipals;
        const e = await rejection(
            planWorkload(values, {
                stackOutputs: {
                    "organization/org-access/security": {
                        trustedPrincipals: workloadValues().trustedPrincipals,
                    },
                },
            }),
        );
        assert.match(
            e.message,
            /previewRole is set, but the trusted principals carry no previewIdentityArn/,
        );
    });
});

describe("PreviewRole, constructed directly with one account's provider", () => {
    const TYPE = "org-access:ci:PreviewRole";
    let plan: PlanResult;
    before(async () => {
        const { PreviewRole } = await import("../../components/previewRole");
        plan = await planComponents((_, p) => {
            new PreviewRole(
                "prod-preview",
                { previewIdentityArn: IDENTITY, tags: { Team: "platform" } },
                { provider: p.prod },
            );
        });
    });

    it("creates the role, its two managed read policies, its reads and its Deny, all in that account", () => {
        const children = childrenOf(plan, TYPE, "prod-preview");
        assert.deepStrictEqual(children.map((r) => `${r.type} ${r.name}`).sort(), [
            "aws:iam/role:Role prod-preview-role",
            "aws:iam/rolePolicy:RolePolicy prod-preview-deny",
            "aws:iam/rolePolicy:RolePolicy prod-preview-reads",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment prod-preview-securityaudit",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment prod-preview-viewonlyaccess",
        ]);
        for (const r of children) assert.strictEqual(r.accountId, PROD, r.name);
    });

    it("is named OrgAccessPreviewRole by default, lasts one hour, and trusts the preview identity alone", () => {
        const role = one(plan, "aws:iam/role:Role", "prod-preview-role");
        assert.strictEqual(role.props.name, "OrgAccessPreviewRole");
        assert.strictEqual(role.props.maxSessionDuration, 3600);
        assert.deepStrictEqual(role.props.tags, { Team: "platform" });
        assert.deepStrictEqual(doc(role.props.assumeRolePolicy), previewRoleTrustPolicy(IDENTITY));
        assert.deepStrictEqual(
            doc(role.props.assumeRolePolicy).Statement.map((s) => s.Principal),
            [{ AWS: IDENTITY }],
        );
        assert.deepStrictEqual(
            JSON.parse(
                String(
                    one(plan, "aws:iam/rolePolicy:RolePolicy", "prod-preview-reads").props.policy,
                ),
            ),
            previewReadsPolicy(),
        );
        assert.deepStrictEqual(
            JSON.parse(
                String(
                    one(plan, "aws:iam/rolePolicy:RolePolicy", "prod-preview-deny").props.policy,
                ),
            ),
            auditDenyPolicy(),
        );
    });

    it("requires a provider for its account", async () => {
        const { PreviewRole } = await import("../../components/previewRole");
        const e = await rejection(
            planComponents(() => {
                new PreviewRole("prod-preview", { previewIdentityArn: IDENTITY }, {});
            }),
        );
        assert.match(
            e.message,
            /PreviewRole prod-preview: a provider for the target account is required/,
        );
    });
});
