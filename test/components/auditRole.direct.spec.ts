import * as assert from "assert";
import { PlannedResource, PlanResult } from "../../plan/run";
import { IAM_WRITE_ACTIONS as PRIVILEGED_IAM_WRITES } from "../../policypack/iam/privileges";
import { AUDIT_ROLE_TYPE } from "../../policypack/componentTypes";
import { doc, one, PROD, rejection, SECURITY } from "../helpers";
import { childrenOf, planComponents, promiseOf } from "../helpers/components";

const ALICE = `arn:aws:iam::${SECURITY}:user/org-access/alice`;
const REPORTER = `arn:aws:iam::${SECURITY}:user/org-access/reporter`;
const SCANNER = `arn:aws:iam::${SECURITY}:role/scanner`;
const VPCE = "vpce-0123456789abcdef0";

type AuditRoleModule = typeof import("../../components/auditRole");

describe("AuditRole, constructed directly with a workload account's provider", () => {
    let plan: PlanResult;
    let mod: AuditRoleModule;
    let roleArn: Promise<string>;
    const children = (name: string) => childrenOf(plan, AUDIT_ROLE_TYPE, name);
    const trustOf = (name: string) =>
        doc(one(plan, "aws:iam/role:Role", `${name}-role`).props.assumeRolePolicy).Statement;

    before(async () => {
        mod = await import("../../components/auditRole");
        const pulumi = await import("@pulumi/pulumi");
        plan = await planComponents((_, p) => {
            const full = new mod.AuditRole(
                "prod",
                {
                    trustedAccountId: SECURITY,
                    // Inputs may be outputs of the security stack: the trust waits for them.
                    humanPrincipalArns: pulumi.output([ALICE]),
                    programmaticPrincipals: pulumi.output([
                        { arn: REPORTER, externalId: "ext-id-0123456789abcdef" },
                        {
                            arn: SCANNER,
                            externalId: "scanner-ext-id",
                            sourceIps: ["203.0.113.0/24"],
                            sourceVpces: [VPCE],
                        },
                    ]),
                    roleName: "Auditor",
                    path: "/org-access/",
                    mfaMaxAgeSeconds: 900,
                    managedPolicies: ["ReadOnlyAccess", "SecurityAudit"],
                    partition: "aws-us-gov",
                    tags: { Team: "security" },
                },
                { provider: p.prod },
            );
            roleArn = promiseOf(full.roleArn);
            new mod.AuditRole(
                "defaults",
                {
                    trustedAccountId: SECURITY,
                    humanPrincipalArns: [ALICE],
                    programmaticPrincipals: [],
                },
                { provider: p.prod },
            );
        });
    });

    it("creates exactly the role, one attachment per managed policy and the Deny, parented to the component", () => {
        // The plan lists resources as the mocks settle them: compare as sets.
        assert.deepStrictEqual(
            children("prod")
                .map((r) => `${r.type} ${r.name}`)
                .sort(),
            [
                "aws:iam/role:Role prod-role",
                "aws:iam/rolePolicy:RolePolicy prod-deny",
                "aws:iam/rolePolicyAttachment:RolePolicyAttachment prod-readonlyaccess",
                "aws:iam/rolePolicyAttachment:RolePolicyAttachment prod-securityaudit",
            ],
        );
        assert.deepStrictEqual(
            children("defaults")
                .map((r) => r.name)
                .sort(),
            ["defaults-deny", "defaults-role", "defaults-securityaudit", "defaults-viewonlyaccess"],
        );
    });

    it("lands every child in the account of the provider it was given, and no other", () => {
        for (const r of [...children("prod"), ...children("defaults")]) {
            assert.strictEqual(r.accountId, PROD, r.name);
            assert.strictEqual(r.provider?.name, "prod", r.name);
        }
    });

    it("creates the role with exactly the given name, path, tags and a one-hour cap", async () => {
        const { assumeRolePolicy, ...props } = one(plan, "aws:iam/role:Role", "prod-role").props;
        assert.ok(typeof assumeRolePolicy === "string");
        assert.deepStrictEqual(props, {
            name: "Auditor",
            path: "/org-access/",
            description: `Read-only audit access for designated principals of account ${SECURITY}`,
            maxSessionDuration: 3600,
            forceDetachPolicies: true,
            tags: { Team: "security" },
        });
        assert.strictEqual(await roleArn, `arn:aws:iam::${PROD}:role/org-access/Auditor`);
        const defaults = one(plan, "aws:iam/role:Role", "defaults-role").props;
        assert.strictEqual(defaults.name, "SecurityAuditRole");
        assert.strictEqual(defaults.path, "/");
        assert.strictEqual(defaults.tags, undefined);
    });

    it("trusts humans only with MFA present (Bool) and younger than asked, programs only with their ExternalId and network", () => {
        const base = { Effect: "Allow", Action: "sts:AssumeRole" };
        assert.deepStrictEqual(trustOf("prod"), [
            {
                Sid: "HumansWithMfa",
                ...base,
                // Alice's account, narrowed to its people under her path with the audit duty.
                Principal: { AWS: `arn:aws:iam::${SECURITY}:root` },
                Condition: {
                    ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${SECURITY}:user/org-access/*` },
                    StringEquals: {
                        "aws:PrincipalTag/org-access:principal-type": "human",
                        "aws:PrincipalTag/org-access:duty": "audit",
                    },
                    Bool: { "aws:MultiFactorAuthPresent": "true" },
                    NumericLessThan: { "aws:MultiFactorAuthAge": "900" },
                },
            },
            {
                Sid: "ProgramWithExternalId0",
                ...base,
                Principal: { AWS: REPORTER },
                Condition: { StringEquals: { "sts:ExternalId": "ext-id-0123456789abcdef" } },
            },
            {
                Sid: "ProgramWithExternalId1FromSourceIp",
                ...base,
                Principal: { AWS: SCANNER },
                Condition: {
                    StringEquals: { "sts:ExternalId": "scanner-ext-id" },
                    IpAddress: { "aws:SourceIp": ["203.0.113.0/24"] },
                },
            },
            {
                Sid: "ProgramWithExternalId1ThroughVpce",
                ...base,
                Principal: { AWS: SCANNER },
                Condition: {
                    StringEquals: { "sts:ExternalId": "scanner-ext-id", "aws:SourceVpce": [VPCE] },
                },
            },
        ]);
        // Without programs and an MFA age, only the humans' statement, with one hour of MFA.
        assert.deepStrictEqual(trustOf("defaults"), [
            {
                Sid: "HumansWithMfa",
                ...base,
                Principal: { AWS: `arn:aws:iam::${SECURITY}:root` },
                Condition: {
                    ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${SECURITY}:user/org-access/*` },
                    StringEquals: {
                        "aws:PrincipalTag/org-access:principal-type": "human",
                        "aws:PrincipalTag/org-access:duty": "audit",
                    },
                    Bool: { "aws:MultiFactorAuthPresent": "true" },
                    NumericLessThan: { "aws:MultiFactorAuthAge": "3600" },
                },
            },
        ]);
    });

    it("attaches the managed read policies of the role's partition to the role", () => {
        const attachment = (name: string) =>
            one(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", name).props;
        assert.deepStrictEqual(attachment("prod-readonlyaccess"), {
            role: "Auditor",
            policyArn: "arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess",
        });
        assert.deepStrictEqual(attachment("prod-securityaudit"), {
            role: "Auditor",
            policyArn: "arn:aws-us-gov:iam::aws:policy/SecurityAudit",
        });
        assert.deepStrictEqual(attachment("defaults-viewonlyaccess"), {
            role: "SecurityAuditRole",
            policyArn: "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
        });
    });

    it("denies, on the role itself, every IAM write (PassRole included), every data read and CloudShell", () => {
        const deny: PlannedResource = one(plan, "aws:iam/rolePolicy:RolePolicy", "prod-deny");
        assert.strictEqual(deny.props.name, "org-access-explicit-deny");
        assert.strictEqual(deny.props.role, "Auditor");
        const statements = doc(deny.props.policy).Statement;
        assert.deepStrictEqual(
            statements.map((s) => [s.Sid, s.Effect, s.Resource, s.Condition]),
            [
                ["DenyIamWrites", "Deny", "*", undefined],
                ["DenyDataReads", "Deny", "*", undefined],
                ["DenyCloudShell", "Deny", "*", undefined],
                ["DenyWriteLevelGrants", "Deny", "*", undefined],
            ],
        );
        assert.deepStrictEqual(statements[0].Action, [...PRIVILEGED_IAM_WRITES]);
        for (const a of ["iam:PassRole", "iam:Update*", "iam:Put*", "iam:Attach*", "iam:Create*"])
            assert.ok(statements[0].Action.includes(a), a);
        assert.deepStrictEqual(statements[1].Action, [...mod.DATA_READ_ACTIONS]);
        assert.ok(statements[1].Action.length > 100);
        assert.deepStrictEqual(statements[2].Action, ["cloudshell:*"]);
        assert.deepStrictEqual(statements[3].Action, [...mod.WRITE_LEVEL_GRANTS]);
    });

    describe("refuses", () => {
        const plan1 = (
            args: Partial<import("../../components/auditRole").AuditRoleArgs>,
            withProvider = true,
        ) =>
            planComponents((_, p) => {
                new mod.AuditRole(
                    "prod",
                    {
                        trustedAccountId: SECURITY,
                        humanPrincipalArns: [ALICE],
                        programmaticPrincipals: [],
                        ...args,
                    },
                    withProvider ? { provider: p.prod } : {},
                );
            });

        it("a missing provider: the role would land in the default provider's account", async () => {
            const e = await rejection(plan1({}, false));
            assert.match(
                e.message,
                /AuditRole prod: a provider for the target account is required/,
            );
        });

        it("an empty list of managed read policies", async () => {
            const e = await rejection(plan1({ managedPolicies: [] }));
            assert.match(e.message, /AuditRole prod: at least one managed read policy is required/);
        });

        it("wildcard and foreign principals, bad ExternalIds and networks, listing every problem", async () => {
            const e = await rejection(
                plan1({
                    humanPrincipalArns: [
                        `arn:aws:iam::${SECURITY}:user/*`,
                        `arn:aws:iam::${PROD}:user/eve`,
                    ],
                    programmaticPrincipals: [
                        { arn: REPORTER, externalId: "x", sourceIps: [] },
                        { arn: SCANNER, externalId: "scanner-ext-id", sourceVpces: ["vpc-1"] },
                    ],
                }),
            );
            const problems = [
                `human principal [0] "arn:aws:iam::${SECURITY}:user/*" is not an exact IAM user or role ARN (wildcards are never trusted)`,
                `human principal [1] "arn:aws:iam::${PROD}:user/eve" is not in the trusted account ${SECURITY}`,
                `programmatic principal [0] (${REPORTER}) needs an ExternalId of 2-1224 characters from [\\w+=,.@:/-]`,
                `programmatic principal [0] (${REPORTER}) has an empty sourceIps`,
                `programmatic principal [1] sourceVpces[0] "vpc-1" must be a VPC endpoint id such as vpce-0123456789abcdef0 (vpce- and 8 or 17 lowercase hex digits)`,
            ];
            const expected = `AuditRole prod: refusing to create a trust policy:\n* ${problems.join("\n* ")}`;
            assert.ok(e.message.includes(expected), e.message);
            // Nothing else is listed after the last problem.
            assert.ok(
                !e.message.slice(e.message.indexOf(expected) + expected.length).startsWith("\n*"),
            );
        });

        it("a role nobody could assume", async () => {
            const e = await rejection(plan1({ humanPrincipalArns: [] }));
            assert.ok(
                e.message.includes(
                    "AuditRole prod: refusing to create a trust policy:\n* no designated principal: nobody could assume the role",
                ),
                e.message,
            );
        });
    });
});
