import * as assert from "assert";
import { PlanResult } from "../../plan/run";
import { SECURITY_ACCESS_TYPE } from "../../policypack/componentTypes";
import { doc, one, PROD, rejection, SECURITY, STAGING } from "../helpers";
import { childrenOf, planComponents, promiseOf } from "../helpers/components";

type SecurityAccessModule = typeof import("../../components/securityAccess");
type SecurityAccessArgs = import("../../components/securityAccess").SecurityAccessArgs;

const ROLES = [
    `arn:aws:iam::${STAGING}:role/org-access/SecurityAuditRole`,
    `arn:aws:iam::${PROD}:role/org-access/SecurityAuditRole`,
];
const ARGS: SecurityAccessArgs = {
    accountId: SECURITY,
    auditors: ["alice", "bob"],
    reporters: ["reporter"],
    auditRoleArns: ROLES,
    organizationId: "o-abcdefghij",
    path: "/team/",
    mfaMaxAgeSeconds: 900,
    passwordPolicy: { minimumLength: 20, reusePrevention: 12, maxAgeDays: 60 },
    tags: { Team: "security" },
};

describe("SecurityAccess, constructed directly with the security account's provider", () => {
    let plan: PlanResult;
    let mod: SecurityAccessModule;
    let arns: Promise<[string[], string[]]>;
    const policyOf = (name: string) => {
        const p = one(plan, "aws:iam/groupPolicy:GroupPolicy", name).props;
        return { group: p.group, name: p.name, statements: doc(p.policy).Statement };
    };

    before(async () => {
        mod = await import("../../components/securityAccess");
        plan = await planComponents((_, p) => {
            const access = new mod.SecurityAccess("access", ARGS, { provider: p.security });
            arns = Promise.all([promiseOf(access.humanArns), promiseOf(access.reporterArns)]);
            new mod.SecurityAccess(
                "defaults",
                {
                    accountId: SECURITY,
                    auditors: ["carol"],
                    reporters: [],
                    auditRoleArns: ROLES,
                    organizationId: "o-abcdefghij",
                },
                { provider: p.security },
            );
        });
    });

    it("creates exactly the groups, their policies, the users with memberships and the password policy, parented to the component", () => {
        assert.deepStrictEqual(
            childrenOf(plan, SECURITY_ACCESS_TYPE, "access")
                .map((r) => `${r.type} ${r.name}`)
                .sort(),
            [
                "aws:iam/accountPasswordPolicy:AccountPasswordPolicy access-password-policy",
                "aws:iam/group:Group access-auditors",
                "aws:iam/group:Group access-reporters",
                "aws:iam/groupPolicy:GroupPolicy access-auditors-assume",
                "aws:iam/groupPolicy:GroupPolicy access-auditors-deny-without-mfa",
                "aws:iam/groupPolicy:GroupPolicy access-auditors-mfa-self-service",
                "aws:iam/groupPolicy:GroupPolicy access-reporters-assume",
                "aws:iam/groupPolicyAttachment:GroupPolicyAttachment access-auditors-aws-login",
                "aws:iam/user:User access-human-alice",
                "aws:iam/user:User access-human-bob",
                "aws:iam/user:User access-reporter-reporter",
                "aws:iam/userGroupMembership:UserGroupMembership access-human-alice-membership",
                "aws:iam/userGroupMembership:UserGroupMembership access-human-bob-membership",
                "aws:iam/userGroupMembership:UserGroupMembership access-reporter-reporter-membership",
            ],
        );
    });

    it("lands every child in the security account, through the provider it was given", () => {
        const all = [
            ...childrenOf(plan, SECURITY_ACCESS_TYPE, "access"),
            ...childrenOf(plan, SECURITY_ACCESS_TYPE, "defaults"),
        ];
        assert.strictEqual(all.length, 14 + 10);
        for (const r of all) {
            assert.strictEqual(r.accountId, SECURITY, r.name);
            assert.strictEqual(r.provider?.name, "security", r.name);
        }
    });

    it("puts groups and users at the path, tags each user human or machine (and each human's duty), and puts each in its group", () => {
        assert.deepStrictEqual(one(plan, "aws:iam/group:Group", "access-auditors").props, {
            name: "org-access-auditors",
            path: "/team/",
        });
        assert.deepStrictEqual(one(plan, "aws:iam/group:Group", "access-reporters").props, {
            name: "org-access-reporters",
            path: "/team/",
        });
        assert.deepStrictEqual(one(plan, "aws:iam/user:User", "access-human-alice").props, {
            name: "alice",
            path: "/team/",
            forceDestroy: false,
            tags: {
                Team: "security",
                Kind: "human",
                "org-access:principal-type": "human",
                // The audit roles' trust designates auditors by path and these two tags.
                "org-access:duty": "audit",
            },
        });
        assert.deepStrictEqual(
            one(plan, "aws:iam/user:User", "access-reporter-reporter").props.tags,
            { Team: "security", Kind: "reporter", "org-access:principal-type": "machine" },
        );
        const membership = (name: string) =>
            one(plan, "aws:iam/userGroupMembership:UserGroupMembership", name).props;
        assert.deepStrictEqual(membership("access-human-bob-membership"), {
            user: "bob",
            groups: ["org-access-auditors"],
        });
        assert.deepStrictEqual(membership("access-reporter-reporter-membership"), {
            user: "reporter",
            groups: ["org-access-reporters"],
        });
        assert.strictEqual(
            one(plan, "aws:iam/user:User", "defaults-human-carol").props.path,
            "/org-access/",
        );
    });

    it("exposes the users' ARNs, humans and reporters apart, in the order given", async () => {
        assert.deepStrictEqual(await arns, [
            [`arn:aws:iam::${SECURITY}:user/team/alice`, `arn:aws:iam::${SECURITY}:user/team/bob`],
            [`arn:aws:iam::${SECURITY}:user/team/reporter`],
        ]);
    });

    it("lets auditors assume the audit roles' path and name in the organization only, only with MFA younger than asked", () => {
        assert.deepStrictEqual(policyOf("access-auditors-assume"), {
            group: "org-access-auditors",
            name: "assume-audit-roles-with-mfa",
            statements: [
                {
                    Sid: "AssumeAuditRolesWithMfa",
                    Effect: "Allow",
                    Action: "sts:AssumeRole",
                    // Both accounts' roles share a path and name: one Resource, the account open.
                    Resource: ["arn:aws:iam::*:role/org-access/SecurityAuditRole"],
                    Condition: {
                        StringEquals: { "aws:ResourceOrgID": "o-abcdefghij" },
                        Bool: { "aws:MultiFactorAuthPresent": "true" },
                        NumericLessThan: { "aws:MultiFactorAuthAge": "900" },
                    },
                },
            ],
        });
        // One hour by default.
        assert.deepStrictEqual(
            policyOf("defaults-auditors-assume").statements[0].Condition.NumericLessThan,
            { "aws:MultiFactorAuthAge": "3600" },
        );
    });

    it("lets reporters assume the same roles, without an MFA condition they could never meet", () => {
        assert.deepStrictEqual(policyOf("access-reporters-assume"), {
            group: "org-access-reporters",
            name: "assume-audit-roles",
            statements: [
                {
                    Sid: "AssumeAuditRoles",
                    Effect: "Allow",
                    Action: "sts:AssumeRole",
                    Resource: ["arn:aws:iam::*:role/org-access/SecurityAuditRole"],
                    Condition: { StringEquals: { "aws:ResourceOrgID": "o-abcdefghij" } },
                },
            ],
        });
    });

    it("denies auditors everything but MFA setup and aws login without MFA, and their own access keys always", () => {
        const deny = policyOf("access-auditors-deny-without-mfa");
        assert.strictEqual(deny.group, "org-access-auditors");
        assert.strictEqual(deny.name, "deny-without-mfa");
        assert.deepStrictEqual(deny.statements, [
            {
                Sid: "DenyAllExceptMfaSetupWithoutMfa",
                Effect: "Deny",
                NotAction: [
                    "iam:ChangePassword",
                    "iam:CreateVirtualMFADevice",
                    "iam:EnableMFADevice",
                    "iam:GetAccountPasswordPolicy",
                    "iam:GetUser",
                    "iam:ListMFADevices",
                    "iam:ListVirtualMFADevices",
                    "iam:ResyncMFADevice",
                    "sts:GetSessionToken",
                    "signin:AuthorizeOAuth2Access",
                    "signin:CreateOAuth2Token",
                ],
                Resource: "*",
                Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
            },
            {
                Sid: "DenyOwnAccessKeys",
                Effect: "Deny",
                Action: ["iam:CreateAccessKey", "iam:UpdateAccessKey"],
                Resource: "*",
            },
        ]);
        assert.deepStrictEqual(
            one(
                plan,
                "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
                "access-auditors-aws-login",
            ).props,
            {
                group: "org-access-auditors",
                policyArn: "arn:aws:iam::aws:policy/SignInLocalDevelopmentAccess",
            },
        );
    });

    it("scopes MFA self-service to the user's own ARN at the path, in the given account", () => {
        const self = `arn:aws:iam::${SECURITY}:user/team/` + "${aws:username}";
        const { statements } = policyOf("access-auditors-mfa-self-service");
        assert.deepStrictEqual(
            statements.map((s) => [s.Sid, s.Resource]),
            [
                ["ViewAccountInfo", "*"],
                ["ManageOwnPassword", self],
                ["ManageOwnVirtualMfaDevice", `arn:aws:iam::${SECURITY}:mfa/*`],
                ["ManageOwnUserMfa", self],
            ],
        );
        assert.ok(statements.every((s) => s.Effect === "Allow"));
    });

    it("sets the given password policy, and CIS strength by default", () => {
        const strict = {
            requireLowercaseCharacters: true,
            requireUppercaseCharacters: true,
            requireNumbers: true,
            requireSymbols: true,
            allowUsersToChangePassword: true,
            hardExpiry: false,
        };
        const pw = (name: string) =>
            one(plan, "aws:iam/accountPasswordPolicy:AccountPasswordPolicy", name).props;
        assert.deepStrictEqual(pw("access-password-policy"), {
            minimumPasswordLength: 20,
            passwordReusePrevention: 12,
            maxPasswordAge: 60,
            ...strict,
        });
        assert.deepStrictEqual(pw("defaults-password-policy"), {
            minimumPasswordLength: 14,
            passwordReusePrevention: 24,
            maxPasswordAge: 90,
            ...strict,
        });
    });

    describe("refuses", () => {
        const refusal = async (args: Partial<SecurityAccessArgs>, withProvider = true) =>
            (
                await rejection(
                    planComponents((_, p) => {
                        new mod.SecurityAccess(
                            "access",
                            { ...ARGS, ...args },
                            withProvider ? { provider: p.security } : {},
                        );
                    }),
                )
            ).message;

        it("a missing provider", async () => {
            assert.match(
                await refusal({}, false),
                /SecurityAccess access: a provider for the security account is required/,
            );
        });

        it("a wildcard audit role ARN, or none at all", async () => {
            const wildcard = `arn:aws:iam::${PROD}:role/*`;
            assert.ok(
                (await refusal({ auditRoleArns: [ROLES[0], wildcard] })).includes(
                    `assumeAuditRolesPolicy: "${wildcard}" is not an exact role ARN (no wildcard in the path or name)`,
                ),
            );
            assert.ok(
                (await refusal({ auditRoleArns: [] })).includes(
                    "assumeAuditRolesPolicy: at least one exact role ARN is required",
                ),
            );
        });

        it("a missing organization id, naming the config key", async () => {
            assert.ok(
                (await refusal({ organizationId: undefined as unknown as string })).includes(
                    "assumeAuditRolesPolicy: organizationId undefined is not an organization id (set org-access:organizationId",
                ),
            );
        });
    });
});
