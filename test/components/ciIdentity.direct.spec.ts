import * as assert from "assert";
import { PlanResult } from "../../plan/run";
import { CI_IDENTITY_TYPE } from "../../policypack/componentTypes";
import { doc, MANAGEMENT, one, PROD, rejection, SECURITY, STAGING } from "../helpers";
import { childrenOf, planComponents, promiseOf } from "../helpers/components";

type CiIdentityModule = typeof import("../../components/ciIdentity");
type CiIdentityArgs = import("../../components/ciIdentity").CiIdentityArgs;

const REPO = "example-org/org-access";
const KEY = `arn:aws:kms:us-east-1:${MANAGEMENT}:key/11111111-2222-3333-4444-555555555555`;
const HOST = "token.actions.githubusercontent.com";
const oidcArn = (account: string) => `arn:aws:iam::${account}:oidc-provider/${HOST}`;
const DEPLOY_ROLES = [
    `arn:aws:iam::${STAGING}:role/OrgAccessDeployRole`,
    `arn:aws:iam::${PROD}:role/OrgAccessDeployRole`,
    `arn:aws:iam::${PROD}:role/OrgAccessDeployRole`,
];
const PREVIEW_ROLES = [
    `arn:aws:iam::${STAGING}:role/OrgAccessPreviewRole`,
    `arn:aws:iam::${PROD}:role/OrgAccessPreviewRole`,
];
const ARGS: CiIdentityArgs = {
    accountId: MANAGEMENT,
    deploy: {
        repository: REPO,
        environment: "production",
        branch: "main",
        workflow: ".github/workflows/deploy.yml",
    },
    deployIdentityName: "org-access-github-deploy",
    previewIdentityName: "org-access-github-preview",
    deployRoleArns: DEPLOY_ROLES,
    previewRoleArns: PREVIEW_ROLES,
    organizationId: "o-abcdefghij",
    stateBucket: "example-state",
    stateKeyArn: KEY,
    tags: { Team: "platform" },
};

describe("CiIdentity, constructed directly with the CI account's provider", () => {
    let plan: PlanResult;
    let mod: CiIdentityModule;
    let arns: Promise<[string, string]>;
    const children = (name: string) => childrenOf(plan, CI_IDENTITY_TYPE, name);
    const props = (type: string, name: string) => one(plan, type, name).props;
    const trustOf = (name: string) =>
        doc(props("aws:iam/role:Role", name).assumeRolePolicy).Statement;
    const policyOf = (name: string) =>
        doc(props("aws:iam/rolePolicy:RolePolicy", name).policy).Statement;

    before(async () => {
        mod = await import("../../components/ciIdentity");
        plan = await planComponents((_, p) => {
            const ci = new mod.CiIdentity("ci", ARGS, { provider: p.management });
            arns = Promise.all([promiseOf(ci.deployRoleArn), promiseOf(ci.previewRoleArn)]);
            // The same component can live in the security account, without a state key.
            new mod.CiIdentity(
                "ci-sec",
                {
                    ...ARGS,
                    accountId: SECURITY,
                    deploy: { ...ARGS.deploy, environment: "prod", branch: "release" },
                    stateKeyArn: undefined,
                    tags: undefined,
                },
                { provider: p.security },
            );
        });
    });

    it("creates exactly the OIDC provider and, per identity, a role and its policy, parented to the component", () => {
        // The plan lists resources as the mocks settle them: compare as sets.
        assert.deepStrictEqual(
            children("ci")
                .map((r) => `${r.type} ${r.name}`)
                .sort(),
            [
                "aws:iam/openIdConnectProvider:OpenIdConnectProvider ci-github",
                "aws:iam/policy:Policy ci-deploy-roles-1",
                "aws:iam/role:Role ci-deploy-role",
                "aws:iam/role:Role ci-preview-role",
                "aws:iam/rolePolicy:RolePolicy ci-deploy-policy",
                "aws:iam/rolePolicy:RolePolicy ci-preview-policy",
                "aws:iam/rolePolicyAttachment:RolePolicyAttachment ci-deploy-roles-1",
            ],
        );
    });

    it("lands every child in the account of the provider it was given", () => {
        for (const r of children("ci")) {
            assert.strictEqual(r.accountId, MANAGEMENT, r.name);
            assert.strictEqual(r.provider?.name, "management", r.name);
        }
        for (const r of children("ci-sec")) {
            assert.strictEqual(r.accountId, SECURITY, r.name);
            assert.strictEqual(r.provider?.name, "security", r.name);
        }
        assert.strictEqual(children("ci-sec").length, 7);
    });

    it("trusts GitHub's issuer for the STS audience only", () => {
        assert.deepStrictEqual(
            props("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "ci-github"),
            {
                url: `https://${HOST}`,
                clientIdLists: ["sts.amazonaws.com"],
                thumbprintLists: [
                    "6938fd4d98bab03faadb97b34396831e3780aea1",
                    "1c58a3a8518e8759bf075b76b750d4f2df264fcd",
                ],
                tags: { Team: "platform" },
            },
        );
    });

    it("the deploy role trusts only the pinned workflow on the pinned branch, in the protected environment, for one hour", async () => {
        const { assumeRolePolicy, ...rest } = props("aws:iam/role:Role", "ci-deploy-role");
        assert.ok(typeof assumeRolePolicy === "string");
        assert.deepStrictEqual(rest, {
            name: "org-access-github-deploy",
            description: `org-access CI deploy: .github/workflows/deploy.yml of ${REPO} on main, environment production`,
            maxSessionDuration: 3600,
            forceDetachPolicies: true,
            tags: { Team: "platform" },
        });
        assert.deepStrictEqual(trustOf("ci-deploy-role"), [
            {
                Sid: "DeployWorkflowOnDeployBranchInProtectedEnvironment",
                Effect: "Allow",
                Principal: { Federated: oidcArn(MANAGEMENT) },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${HOST}:aud`]: "sts.amazonaws.com",
                        [`${HOST}:sub`]: `repo:${REPO}:environment:production`,
                        [`${HOST}:job_workflow_ref`]: `${REPO}/.github/workflows/deploy.yml@refs/heads/main`,
                    },
                },
            },
        ]);
        // The other instance trusts its own provider, in its own account, and its own pin.
        assert.deepStrictEqual(trustOf("ci-sec-deploy-role")[0].Principal, {
            Federated: oidcArn(SECURITY),
        });
        assert.deepStrictEqual(trustOf("ci-sec-deploy-role")[0].Condition.StringEquals, {
            [`${HOST}:aud`]: "sts.amazonaws.com",
            [`${HOST}:sub`]: `repo:${REPO}:environment:prod`,
            [`${HOST}:job_workflow_ref`]: `${REPO}/.github/workflows/deploy.yml@refs/heads/release`,
        });
        assert.deepStrictEqual(await arns, [
            `arn:aws:iam::${MANAGEMENT}:role/org-access-github-deploy`,
            `arn:aws:iam::${MANAGEMENT}:role/org-access-github-preview`,
        ]);
    });

    it("the preview role trusts only pull requests of the repository (StringEquals, no wildcard), for one hour", () => {
        const { assumeRolePolicy, ...rest } = props("aws:iam/role:Role", "ci-preview-role");
        assert.ok(typeof assumeRolePolicy === "string");
        assert.deepStrictEqual(rest, {
            name: "org-access-github-preview",
            description: `org-access CI preview: pull requests of ${REPO}; read-only preview roles and state`,
            maxSessionDuration: 3600,
            forceDetachPolicies: true,
            tags: { Team: "platform" },
        });
        assert.deepStrictEqual(trustOf("ci-preview-role"), [
            {
                Sid: "PullRequestsOfThisRepository",
                Effect: "Allow",
                Principal: { Federated: oidcArn(MANAGEMENT) },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${HOST}:aud`]: "sts.amazonaws.com",
                        [`${HOST}:sub`]: `repo:${REPO}:pull_request`,
                    },
                },
            },
        ]);
    });

    it("lets the deploy identity assume the deploy roles of the listed accounts only (once each, a managed policy) and write only the state", () => {
        const managed = props("aws:iam/policy:Policy", "ci-deploy-roles-1");
        assert.strictEqual(managed.name, "org-access-github-deploy-deploy-roles-1");
        assert.deepStrictEqual(doc(managed.policy).Statement, [
            {
                Sid: "AssumeDeployRolesOfListedAccounts1",
                Effect: "Allow",
                Action: "sts:AssumeRole",
                // Both accounts' deploy roles share a name: one Resource, its accounts listed once
                // each, in the organization.
                Resource: "arn:aws:iam::*:role/OrgAccessDeployRole",
                Condition: {
                    StringEquals: {
                        "aws:ResourceOrgID": "o-abcdefghij",
                        "aws:ResourceAccount": [STAGING, PROD].sort(),
                    },
                },
            },
        ]);
        assert.deepStrictEqual(
            props("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "ci-deploy-roles-1"),
            {
                role: "org-access-github-deploy",
                policyArn: `arn:aws:iam::${MANAGEMENT}:policy/org-access-github-deploy-deploy-roles-1`,
            },
        );
        const policy = props("aws:iam/rolePolicy:RolePolicy", "ci-deploy-policy");
        assert.strictEqual(policy.name, "use-state");
        assert.strictEqual(policy.role, "org-access-github-deploy");
        assert.deepStrictEqual(policyOf("ci-deploy-policy"), [
            {
                Sid: "ListStateBucket",
                Effect: "Allow",
                Action: ["s3:GetBucketLocation", "s3:ListBucket"],
                Resource: "arn:aws:s3:::example-state",
            },
            {
                Sid: "ReadWriteState",
                Effect: "Allow",
                Action: ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
                Resource: "arn:aws:s3:::example-state/.pulumi/*",
            },
            {
                Sid: "UseStateKey",
                Effect: "Allow",
                Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
                Resource: KEY,
            },
        ]);
        assert.deepStrictEqual(
            policyOf("ci-sec-deploy-policy").map((s) => s.Sid),
            ["ListStateBucket", "ReadWriteState"],
        );
    });

    it("lets the preview identity assume only the preview roles' name in the organization, read the state and decrypt: no write", () => {
        const policy = props("aws:iam/rolePolicy:RolePolicy", "ci-preview-policy");
        assert.strictEqual(policy.name, "assume-preview-roles-and-read-state");
        assert.strictEqual(policy.role, "org-access-github-preview");
        assert.deepStrictEqual(policyOf("ci-preview-policy"), [
            {
                Sid: "AssumePreviewRoles",
                Effect: "Allow",
                Action: "sts:AssumeRole",
                Resource: ["arn:aws:iam::*:role/OrgAccessPreviewRole"],
                Condition: { StringEquals: { "aws:ResourceOrgID": "o-abcdefghij" } },
            },
            {
                Sid: "ListStateBucket",
                Effect: "Allow",
                Action: ["s3:GetBucketLocation", "s3:ListBucket"],
                Resource: "arn:aws:s3:::example-state",
            },
            {
                Sid: "ReadState",
                Effect: "Allow",
                Action: "s3:GetObject",
                Resource: "arn:aws:s3:::example-state/.pulumi/*",
            },
            { Sid: "DecryptState", Effect: "Allow", Action: "kms:Decrypt", Resource: KEY },
        ]);
    });

    describe("refuses", () => {
        const refusal = async (args: Partial<CiIdentityArgs>, withProvider = true) =>
            (
                await rejection(
                    planComponents((_, p) => {
                        new mod.CiIdentity(
                            "ci",
                            { ...ARGS, ...args },
                            withProvider ? { provider: p.management } : {},
                        );
                    }),
                )
            ).message;

        it("a missing provider", async () => {
            assert.match(
                await refusal({}, false),
                /CiIdentity ci: a provider for the CI account is required/,
            );
        });

        it("one identity for both jobs", async () => {
            assert.match(
                await refusal({ previewIdentityName: "org-access-github-deploy" }),
                /CiIdentity ci: the deploy and preview identities must differ/,
            );
        });

        it("wildcard or missing role ARNs", async () => {
            const wildcard = `arn:aws:iam::${PROD}:role/*`;
            assert.ok(
                (await refusal({ deployRoleArns: [wildcard] })).includes(
                    `CiIdentity (deploy roles): "${wildcard}" is not an exact role ARN`,
                ),
            );
            assert.ok(
                (await refusal({ previewRoleArns: [] })).includes(
                    "CiIdentity: no preview roles to assume",
                ),
            );
        });

        it("more deploy roles than the managed policies it may hold, naming the quota's key", async () => {
            // 800 accounts need 3 policies of 6,144 characters; 2 allowed here.
            const many = Array.from(
                { length: 800 },
                (_, i) => `arn:aws:iam::${String(200000000000 + i)}:role/OrgAccessDeployRole`,
            );
            assert.match(
                await refusal({ deployRoleArns: many, managedPoliciesPerRole: 2 }),
                /the deploy roles of 800 accounts need 3 managed policies .* more than org-access:iamQuotas.managedPoliciesPerRole \(2\) allows/,
            );
        });

        it("an inexact deploy pin", async () => {
            assert.ok(
                (await refusal({ deploy: { ...ARGS.deploy, branch: "release/*" } })).includes(
                    'CiIdentity: branch "release/*" must be exact (no wildcard, no space)',
                ),
            );
            assert.ok(
                (
                    await refusal({ deploy: { ...ARGS.deploy, environment: "prod uction" } })
                ).includes(
                    'CiIdentity: environment "prod uction" must be exact (no wildcard, no space)',
                ),
            );
            assert.ok(
                (
                    await refusal({ deploy: { ...ARGS.deploy, repository: "example-org/*" } })
                ).includes(
                    'CiIdentity: repository "example-org/*" must be OWNER/REPO, with no wildcard',
                ),
            );
        });
    });
});
